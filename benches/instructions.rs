//! Instructions per call, counted by callgrind through gungraun: exact and repeatable on a
//! shared machine, where wall time is not. Every wrapper of `lib.rs` side by side, sync and
//! async, on the success path and on 3 failures then success (zero delays; the
//! `jittered_*` group with 10 ms * 2^k capped at 1 s and full jitter). Each count is
//! the whole benchmark function; subtract the direct call's to get a wrapper's cost. Async
//! wrappers are polled by `block_on` with a no-op waker: they never wait. Every wrapper has
//! run once on the thread before the count (steady state, not first-call set-up).
//!
//! ```text
//! cargo install gungraun-runner --version 0.20.0 --locked   # once; it must match gungraun
//! cargo bench -p retry-benches --bench instructions
//! ```

// `#[library_benchmark]` generates undocumented modules.
#![allow(missing_docs)]

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use retry_benches::{self as b, Flaky, block_on};

#[path = "jittered.rs"]
mod jittered;
use jittered as j;

/// The setup of every benchmark (not counted): runs each wrapper once through a retry, so
/// that one-time work (thread-locals, lazy statics) is not counted as per-call cost, then
/// makes the call to measure.
fn flaky(failures: u32) -> Flaky {
    let warm = Flaky::new(3);
    for wrapper in [b::hand_loop, b::attribute, b::policy, b::backon] {
        warm.reset();
        let _ = wrapper(&warm);
    }
    // One success first: the throttle refuses nothing once it has an accept (see `THROTTLE`).
    let _ = b::attribute_limited(&Flaky::new(0));
    warm.reset();
    let _ = b::attribute_limited(&warm);
    warm.reset();
    let _ = block_on(b::attribute_limited_async(&warm));
    warm.reset();
    let _ = b::attribute_context(&warm);
    warm.reset();
    let _ = block_on(b::attribute_context_async(&warm));
    warm.reset();
    let _ = block_on(b::hand_loop_async(&warm));
    warm.reset();
    let _ = block_on(b::hand_loop_sleep_async(&warm));
    warm.reset();
    let _ = block_on(b::attribute_async(&warm));
    warm.reset();
    let _ = block_on(b::policy_async(&warm));
    warm.reset();
    let _ = block_on(b::backon_async(&warm));
    Flaky::new(failures)
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
fn sync_direct_call(op: Flaky) -> Result<u32, u32> {
    black_box(Flaky::call(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_hand_loop(op: Flaky) -> Result<u32, u32> {
    black_box(b::hand_loop(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_attribute(op: Flaky) -> Result<u32, u32> {
    black_box(b::attribute(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_attribute_limited(op: Flaky) -> Result<u32, b::Failure> {
    black_box(b::attribute_limited(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_attribute_context(op: Flaky) -> Result<u32, u32> {
    black_box(b::attribute_context(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
fn sync_attribute_500ms(op: Flaky) -> Result<u32, u32> {
    black_box(b::attribute_500ms(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_builder(op: Flaky) -> Result<u32, u32> {
    black_box(b::policy(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn sync_backon(op: Flaky) -> Result<u32, u32> {
    black_box(b::backon(black_box(&op)))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
fn async_direct_call(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(Flaky::call_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_hand_loop(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::hand_loop_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_hand_loop_sleep(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::hand_loop_sleep_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_attribute(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::attribute_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_attribute_limited(op: Flaky) -> Result<u32, b::Failure> {
    black_box(block_on(b::attribute_limited_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_attribute_context(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::attribute_context_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
fn async_attribute_500ms(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::attribute_500ms_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_builder(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::policy_async(black_box(&op))))
}

#[library_benchmark(setup = flaky)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn async_backon(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(b::backon_async(black_box(&op))))
}

/// The setup of the jittered benchmarks (not counted): each of their wrappers run once
/// through a retry, then the call to measure.
fn jittered(failures: u32) -> Flaky {
    let warm = Flaky::new(1);
    for wrapper in [j::hand_loop, j::attribute, j::policy, j::backon] {
        warm.reset();
        let _ = wrapper(&warm);
    }
    warm.reset();
    let _ = block_on(j::hand_loop_async(&warm));
    warm.reset();
    let _ = block_on(j::attribute_async(&warm));
    warm.reset();
    let _ = block_on(j::policy_async(&warm));
    warm.reset();
    let _ = block_on(j::backon_async(&warm));
    Flaky::new(failures)
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_sync_hand_loop(op: Flaky) -> Result<u32, u32> {
    black_box(j::hand_loop(black_box(&op)))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_sync_attribute(op: Flaky) -> Result<u32, u32> {
    black_box(j::attribute(black_box(&op)))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_sync_builder(op: Flaky) -> Result<u32, u32> {
    black_box(j::policy(black_box(&op)))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_sync_backon(op: Flaky) -> Result<u32, u32> {
    black_box(j::backon(black_box(&op)))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_async_hand_loop(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(j::hand_loop_async(black_box(&op))))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_async_attribute(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(j::attribute_async(black_box(&op))))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_async_builder(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(j::policy_async(black_box(&op))))
}

#[library_benchmark(setup = jittered)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn jittered_async_backon(op: Flaky) -> Result<u32, u32> {
    black_box(block_on(j::backon_async(black_box(&op))))
}

/// The setup of the benchmarks that run on a tokio runtime (not counted): a
/// current-thread runtime with its timer, each of those wrappers run once on it through a
/// retry, then the call to measure.
fn on_tokio(failures: u32) -> (Flaky, &'static tokio::runtime::Runtime) {
    // Leaked: its drop is not what is measured.
    let runtime = Box::leak(Box::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime"),
    ));
    let warm = Flaky::new(3);
    let _ = runtime.block_on(Flaky::call_async(&warm));
    warm.reset();
    let _ = runtime.block_on(b::attribute_async(&warm));
    warm.reset();
    let _ = runtime.block_on(b::tokio_retry2(&warm));
    (flaky(failures), runtime)
}

#[library_benchmark(setup = on_tokio)]
#[bench::success(0)]
fn tokio_direct_call((op, runtime): (Flaky, &tokio::runtime::Runtime)) -> Result<u32, u32> {
    black_box(runtime.block_on(Flaky::call_async(black_box(&op))))
}

#[library_benchmark(setup = on_tokio)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn tokio_attribute((op, runtime): (Flaky, &tokio::runtime::Runtime)) -> Result<u32, u32> {
    black_box(runtime.block_on(b::attribute_async(black_box(&op))))
}

#[library_benchmark(setup = on_tokio)]
#[bench::success(0)]
#[bench::three_failures(3)]
fn tokio_tokio_retry2((op, runtime): (Flaky, &tokio::runtime::Runtime)) -> Result<u32, u32> {
    black_box(runtime.block_on(b::tokio_retry2(black_box(&op))))
}

/// The setup of the body benchmarks (not counted): one request of each kind through the
/// layer and a retry, so that one-time work (the clock's origin) is not counted, then the
/// service's number of failures.
fn bodies(failures: u32) -> u32 {
    use retry_benches::replay::{self, Server};
    let mut layered = replay::layered(Server::new(1));
    replay::send(&mut layered, http::Method::PUT, replay::unary());
    let mut layered = replay::layered(Server::new(1));
    replay::send(&mut layered, http::Method::PUT, replay::stream());
    failures
}

// One request with a 16-byte `Clone` body, sent directly or through the layer.
#[library_benchmark(setup = bodies)]
#[bench::direct(u32::MAX)]
#[bench::success(0)]
#[bench::one_retry(1)]
#[bench::two_retries(2)]
fn body_unary_cloned(failures: u32) -> u16 {
    b::replay::request(failures, b::replay::unary)
}

// One request with the same 16 bytes boxed (replayed), directly or through the layer.
#[library_benchmark(setup = bodies)]
#[bench::direct(u32::MAX)]
#[bench::success(0)]
#[bench::one_retry(1)]
#[bench::two_retries(2)]
fn body_unary_replayed(failures: u32) -> u16 {
    b::replay::request(failures, b::replay::unary_boxed)
}

// One request with a 64 KiB stream in 16 chunks, boxed (replayed), directly or through
// the layer.
#[library_benchmark(setup = bodies)]
#[bench::direct(u32::MAX)]
#[bench::success(0)]
#[bench::one_retry(1)]
#[bench::two_retries(2)]
fn body_stream_replayed(failures: u32) -> u16 {
    b::replay::request(failures, b::replay::stream)
}

library_benchmark_group!(
    name = bodies_through_tower;
    benchmarks = body_unary_cloned, body_unary_replayed, body_stream_replayed
);

library_benchmark_group!(
    name = jittered_and_capped;
    benchmarks = jittered_sync_hand_loop, jittered_sync_attribute, jittered_sync_builder, jittered_sync_backon, jittered_async_hand_loop, jittered_async_attribute, jittered_async_builder, jittered_async_backon
);

library_benchmark_group!(
    name = on_a_runtime;
    benchmarks = tokio_direct_call, tokio_attribute, tokio_tokio_retry2
);

library_benchmark_group!(
    name = sync;
    benchmarks = sync_direct_call, sync_hand_loop, sync_attribute, sync_attribute_limited, sync_attribute_context, sync_attribute_500ms, sync_builder, sync_backon
);

library_benchmark_group!(
    name = asynchronous;
    benchmarks = async_direct_call, async_hand_loop, async_hand_loop_sleep, async_attribute, async_attribute_limited, async_attribute_context, async_attribute_500ms, async_builder, async_backon
);

main!(
    library_benchmark_groups = sync,
    asynchronous,
    jittered_and_capped,
    on_a_runtime,
    bodies_through_tower
);
