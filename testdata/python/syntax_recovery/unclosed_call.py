import time

print("starting", (1  # ~ parse-error

async def serve():
    time.sleep(1)  # ~ blocking-sleep


class Server:
    async def stop(self):
        time.sleep(1)  # ~ blocking-sleep
