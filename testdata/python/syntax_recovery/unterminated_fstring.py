import time

banner = f"listening on {8080 +  # ~ parse-error

async def serve():
    time.sleep(1)  # ~ blocking-sleep
