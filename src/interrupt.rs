//! Ctrl-C and termination requests while nianbao waits for another program (the browser that
//! prints PDF): the wait notices, stops the program and cleans up. With nothing waiting, the
//! request ends nianbao at once, as it would without a handler.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static WATCHERS: AtomicUsize = AtomicUsize::new(0);
static INSTALL: Once = Once::new();

/// While the returned guard lives, Ctrl-C and SIGTERM set a flag instead of ending the process.
pub fn watch() -> Watch {
    INSTALL.call_once(|| {
        // If a handler cannot be installed, the default behaviour (ending the process) stays.
        let _ = ctrlc::set_handler(|| {
            if WATCHERS.load(Ordering::SeqCst) == 0 {
                std::process::exit(130);
            }
            INTERRUPTED.store(true, Ordering::SeqCst);
        });
    });
    WATCHERS.fetch_add(1, Ordering::SeqCst);
    Watch(())
}

/// Whether Ctrl-C or a termination request arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A registration of a wait that cleans up after itself; see [`watch`].
pub struct Watch(());

impl Drop for Watch {
    fn drop(&mut self) {
        WATCHERS.fetch_sub(1, Ordering::SeqCst);
    }
}
