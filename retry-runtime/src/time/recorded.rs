//! Recorded sleeps: the machinery behind [`testing`](crate::testing). A retry's sleep asks
//! [`skip`] whether a recording takes it; the clock asks [`skipped`] how much recorded time
//! has passed.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The sleeps one recording has taken.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) delays: Vec<Duration>,
    skipped: Duration,
}

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Recordings installed on any thread. While it is zero, which is always outside tests,
/// a retry's sleep costs no thread-local access.
static INSTALLED: AtomicUsize = AtomicUsize::new(0);

#[inline]
fn any_recording() -> bool {
    INSTALLED.load(Ordering::Relaxed) != 0
}

/// Records `delay` instead of sleeping it when a recording is active on this thread.
/// Returns whether the sleep was recorded (and must be skipped).
#[inline]
pub(crate) fn skip(delay: Duration) -> bool {
    any_recording() && record_sleep(delay)
}

fn record_sleep(delay: Duration) -> bool {
    RECORDER.with_borrow_mut(|recorder| match recorder {
        Some(recorder) => {
            recorder.delays.push(delay);
            recorder.skipped = recorder.skipped.saturating_add(delay);
            true
        }
        None => false,
    })
}

/// The total of the sleeps recorded so far by the active recording (zero without one).
pub(crate) fn skipped() -> Duration {
    if !any_recording() {
        return Duration::ZERO;
    }
    RECORDER.with_borrow(|recorder| recorder.as_ref().map_or(Duration::ZERO, |r| r.skipped))
}

/// Installs a recorder on this thread; the one it replaced comes back when this is dropped,
/// unwinding included.
pub(crate) struct Installed {
    previous: Option<Recorder>,
}

impl Installed {
    pub(crate) fn new(recorder: Recorder) -> Self {
        INSTALLED.fetch_add(1, Ordering::Relaxed);
        Installed {
            previous: RECORDER.replace(Some(recorder)),
        }
    }

    /// Takes the installed recorder back and restores the previous one.
    pub(crate) fn finish(self) -> Recorder {
        let recorder = RECORDER.take();
        drop(self);
        recorder.unwrap_or_default()
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        RECORDER.set(self.previous.take());
        INSTALLED.fetch_sub(1, Ordering::Relaxed);
    }
}
