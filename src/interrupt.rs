//! Ctrl-C, handled once for the process. Work that must not be cut short (a fixed file being
//! written, a `confirm` run whose program and directory must be cleaned up) holds a [`Guard`]: the
//! exit (status 130) waits until the last guard is dropped. A child's process group registered
//! with [`Guard::kill_on_interrupt`] is ended at once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static HELD: AtomicUsize = AtomicUsize::new(0);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The process groups to end on Ctrl-C.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Holds back the exit on Ctrl-C while alive.
pub struct Guard(());

pub fn guard() -> Guard {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            for group in GROUPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                kill_group(*group);
            }
            if HELD.load(Ordering::SeqCst) == 0 {
                std::process::exit(130);
            }
        });
    });
    HELD.fetch_add(1, Ordering::SeqCst);
    if interrupted() {
        // Ctrl-C came first, and the exit may already be under way (the handler found nothing
        // held): the work must not start, or a file it creates could outlive the process.
        if HELD.fetch_sub(1, Ordering::SeqCst) == 1 {
            std::process::exit(130);
        }
        loop {
            std::thread::park();
        }
    }
    Guard(())
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

impl Guard {
    /// Ends the process group `group` on Ctrl-C, until [`Guard::release_group`].
    pub fn kill_on_interrupt(&self, group: u32) {
        GROUPS.lock().unwrap_or_else(|e| e.into_inner()).push(group);
        if interrupted() {
            kill_group(group);
        }
    }

    pub fn release_group(&self, group: u32) {
        GROUPS.lock().unwrap_or_else(|e| e.into_inner()).retain(|g| *g != group);
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if HELD.fetch_sub(1, Ordering::SeqCst) == 1 && interrupted() {
            std::process::exit(130);
        }
    }
}

/// Ends every process of the group whose leader is `group`.
pub fn kill_group(group: u32) {
    #[cfg(unix)]
    if let Ok(group) = i32::try_from(group)
        && group > 0
    {
        // SAFETY: kill(2) takes plain integers and touches no memory of ours.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = group;
}
