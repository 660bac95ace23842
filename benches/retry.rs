//! Side by side in one run: a direct call, hand-written loops, `#[retry]` and the closure
//! builders (sync and async), backon (sync and async) and tokio-retry2, on the success path
//! and on 3 failures then success, with zero delays.
//!
//! `cargo bench -p retry-benches`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use retry_benches::{self as b, Flaky};

fn sync(c: &mut Criterion) {
    for (name, failures) in [("sync/success", 0), ("sync/3 failures then success", 3)] {
        let mut group = c.benchmark_group(name);
        let op = Flaky::new(failures);
        let mut bench = |label: &str, f: fn(&Flaky) -> Result<u32, u32>| {
            group.bench_function(label, |bench| {
                bench.iter(|| {
                    op.reset();
                    black_box(f(black_box(&op)))
                });
            });
        };
        if failures == 0 {
            bench("direct call", Flaky::call);
        }
        bench("hand-written loop", b::hand_loop);
        bench("#[retry]", b::attribute);
        bench("Policy::retry", b::policy);
        bench("backon", b::backon);
        group.finish();
    }
}

fn asynchronous(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    for (name, failures) in [("async/success", 0), ("async/3 failures then success", 3)] {
        let mut group = c.benchmark_group(name);
        let op = Flaky::new(failures);
        macro_rules! bench {
            ($label:expr, $f:path) => {
                group.bench_function($label, |bench| {
                    bench.to_async(&runtime).iter(|| async {
                        op.reset();
                        black_box($f(black_box(&op)).await)
                    });
                });
            };
        }
        if failures == 0 {
            bench!("direct call", Flaky::call_async);
        }
        bench!("hand-written loop", b::hand_loop_async);
        bench!("hand-written loop, tokio sleep", b::hand_loop_sleep_async);
        bench!("#[retry]", b::attribute_async);
        bench!("Policy::retry_async", b::policy_async);
        bench!("backon", b::backon_async);
        bench!("tokio-retry2", b::tokio_retry2);
        group.finish();
    }
}

criterion_group!(benches, sync, asynchronous);
criterion_main!(benches);
