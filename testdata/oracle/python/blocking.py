# Blocking calls made in coroutines, directly, through helpers of this module and of another,
# and through methods; each really waits about 50 ms.
import asyncio
import socket
import subprocess
import threading
import time

import oracle_helpers
from oracle_helpers import pause

PAUSE = 0.05


def local_pause():
    time.sleep(PAUSE)


class Db:
    def query(self):
        time.sleep(PAUSE)
        return 1

    async def load(self):
        return self.query()  # ~ blocking-sleep


async def direct():
    time.sleep(PAUSE)  # ~ blocking-sleep
    subprocess.run(["sleep", "0.05"])  # ~ blocking-subprocess
    subprocess.check_output(["sleep", "0.05"])  # ~ blocking-subprocess
    worker = threading.Thread(target=time.sleep, args=(PAUSE,))
    worker.start()
    worker.join()  # ~ blocking-wait
    pair = socket.socketpair()
    conn: socket.socket = pair[0]
    threading.Timer(PAUSE, pair[1].send, args=(b"ping",)).start()
    conn.recv(4)  # ~ blocking-network
    conn.close()
    pair[1].close()


async def transitive(db: Db):
    local_pause()  # ~ blocking-sleep
    pause()  # ~ blocking-sleep
    oracle_helpers.pause_via_helper()  # ~ blocking-sleep
    oracle_helpers.wait_for_child()  # ~ blocking-subprocess
    db.query()  # ~ blocking-sleep
    await db.load()


async def offloaded():
    await asyncio.to_thread(time.sleep, PAUSE)
    await asyncio.get_running_loop().run_in_executor(None, pause)
    await asyncio.sleep(PAUSE)


async def main():
    await direct()
    await transitive(Db())
    await offloaded()


if __name__ == "__main__":
    time.sleep(PAUSE)
    asyncio.run(main())
