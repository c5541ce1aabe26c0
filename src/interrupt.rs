//! Ctrl-C and termination requests. Temporary output files are registered here while they
//! exist, and a request removes them before nianbao ends, so an interrupted run leaves no
//! half-written files. While nianbao waits for another program (the browser that prints
//! PDF), a request only sets a flag: the wait notices, stops the program and cleans up.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static WATCHERS: AtomicUsize = AtomicUsize::new(0);
static INSTALL: Once = Once::new();
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler once per process.
fn install() {
    INSTALL.call_once(|| {
        // If a handler cannot be installed, the default behaviour (ending the process) stays.
        let _ = ctrlc::set_handler(|| {
            if WATCHERS.load(Ordering::SeqCst) > 0 {
                INTERRUPTED.store(true, Ordering::SeqCst);
                return;
            }
            // Holding the lock until the process ends: no temporary file can be created
            // between this clean-up and the exit.
            let files = temporary();
            for f in files.iter() {
                let _ = std::fs::remove_file(f);
            }
            std::process::exit(130);
        });
    });
}

fn temporary() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Creates a temporary file with `create` and registers its path, both under the lock the
/// handler takes, so the file is never there unregistered.
pub fn create_temporary<T>(
    create: impl FnOnce() -> std::io::Result<T>,
    path_of: impl Fn(&T) -> &Path,
) -> std::io::Result<T> {
    install();
    let mut files = temporary();
    let made = create()?;
    files.push(path_of(&made).to_path_buf());
    Ok(made)
}

/// Forgets a temporary file that was renamed into place or removed.
pub fn forget_temporary(path: &Path) {
    temporary().retain(|p| p != path);
}

/// While the returned guard lives, Ctrl-C and SIGTERM set a flag instead of ending the process.
pub fn watch() -> Watch {
    install();
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
