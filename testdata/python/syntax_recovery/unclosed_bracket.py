# A list left open: the statement keyword two lines down cannot continue it, so the parser
# resumes there and the coroutine below is still linted.
import time

PORTS = [8080, 8081,  # ~ parse-error

async def serve():
    time.sleep(1)  # ~ blocking-sleep
