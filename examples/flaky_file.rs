//! The sync path: a blocking read retried while the file does not exist yet, with `when`
//! deciding which `io::ErrorKind`s are worth another try; first with `#[retry]`, then with
//! the closure builder and the same keys.
//!
//! ```text
//! cargo run --example flaky_file
//! ```

use std::io::{self, ErrorKind};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use retry_runtime::{Policy, retry};

/// Errors that may go away: the file is not there yet, or is being replaced.
fn transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::NotFound | ErrorKind::Interrupted | ErrorKind::WouldBlock
    )
}

/// Reads a file another process writes late, waiting up to about 2 s in all.
#[retry(
    max = 12,
    base = "10ms",
    max_delay = "250ms",
    jitter = "equal",
    when = transient,
    on_retry = |a| println!("attempt {:>2}: {}; retrying in {} ms", a.number, a.error().map_or(String::new(), ToString::to_string), a.delay.as_millis()),
)]
fn read_config(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
}

fn main() -> ExitCode {
    let dir = std::env::temp_dir().join(format!("retry-flaky-file-{}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {error}", dir.display());
        return ExitCode::FAILURE;
    }
    let path = dir.join("config.toml");
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(path, "answer = 42\n")
        })
    };

    let start = Instant::now();
    let result = read_config(&path);
    println!(
        "read {:?} after {:.0?}",
        result.as_deref().map(str::trim),
        start.elapsed()
    );

    // Not transient: a directory is not a file, and waiting will not change that. The same
    // retry, written as a closure: the schedule is a `Policy` value, the keys are methods.
    let start = Instant::now();
    let policy = Policy::new()
        .max_attempts(12)
        .base(Duration::from_millis(10));
    let not_a_file = policy
        .retry(|| std::fs::read_to_string(&dir))
        .when(transient)
        .on_give_up(|g| println!("gave up after {} attempt(s): {}", g.attempts, g.reason))
        .call();
    println!(
        "reading the directory: {} after {:.0?}, without retrying",
        not_a_file
            .err()
            .map_or_else(String::new, |e| e.kind().to_string()),
        start.elapsed()
    );

    let written = writer
        .join()
        .map_err(|_| ())
        .and_then(|w| w.map_err(|_| ()));
    let _ = std::fs::remove_dir_all(&dir);
    if result.is_ok() && written.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
