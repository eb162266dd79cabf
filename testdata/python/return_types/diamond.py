# Attributes and methods are looked up in the method resolution order Python uses (C3): for
# Both(Left, Right) that is Both, Left, Right, Base, so the cursor is Right's (a depth-first
# search would find Base's first and take `close` for a coroutine).
from net.cursors import Left, Right


class Both(Left, Right):
    async def shutdown(self):
        self.cursor.close()  # ~ blocking-sleep


class OnlyLeft(Left):
    async def shutdown(self):
        await self.cursor.close()
