# Sync helpers that block, imported by the other programs: transitive findings through a module.
import subprocess
import time

PAUSE = 0.05


def pause():
    time.sleep(PAUSE)


def pause_via_helper():
    pause()


def wait_for_child():
    return subprocess.run(["sleep", "0.05"]).returncode
