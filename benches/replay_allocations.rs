//! Heap allocations per request through the tower layer, with a `Clone` body (cloned) and
//! with boxed bodies (replayed): a 16-byte unary message and a 64 KiB stream, against the
//! same request sent directly to the in-memory service of `replay.rs`. Prints the table of
//! `BENCHMARKS.md` and checks what the docs claim of it:
//!
//! ```text
//! cargo test -p retry-benches --test replay_allocations -- --nocapture
//! ```

use allocation_counter::measure;
use http::Method;
use retry_benches::replay::{self, Server};

/// Allocations of one request made by `send` (creating its body included), after one to
/// warm the thread up.
fn allocations(mut send: impl FnMut()) -> u64 {
    send();
    measure(send).count_total
}

/// Allocations of one request with `body` sent directly, and through the layer when the
/// service fails it 0, 1 and 2 times.
fn row<B>(method: &Method, body: fn() -> B) -> [u64; 4]
where
    B: retry_runtime::tower::ReplayBody + http_body::Body + Unpin + 'static,
    retry_runtime::tower::Bodies: retry_runtime::tower::Keep<http::Request<B>>,
{
    let direct = allocations(|| {
        let mut server = Server::new(0);
        replay::send(&mut server, method.clone(), body());
    });
    let layered = |failures| {
        allocations(|| {
            let mut service = replay::layered(Server::new(failures));
            replay::send(&mut service, method.clone(), body());
        })
    };
    [direct, layered(0), layered(1), layered(2)]
}

#[test]
fn allocations_per_request() {
    let unary = row(&Method::PUT, replay::unary);
    let boxed = row(&Method::PUT, replay::unary_boxed);
    let stream = row(&Method::PUT, replay::stream);
    let post = row(&Method::POST, replay::stream);
    println!("| request | direct | layer, success | layer, 1 retry | layer, 2 retries |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, row) in [
        ("PUT, 16 B, `Full` (cloned)", unary),
        ("PUT, 16 B, boxed (replayed)", boxed),
        ("PUT, 64 KiB stream, boxed (replayed)", stream),
        ("POST, 64 KiB stream, boxed (sent once)", post),
    ] {
        println!(
            "| {name} | {} | {} | {} | {} |",
            row[0], row[1], row[2], row[3]
        );
    }
    // What any retried call allocates: nothing, or (when a build of the whole workspace
    // turns on the runtime's `metrics` feature) the three keys it hands the facade.
    let per_call = allocations(|| {
        let _ = retry_runtime::Policy::new().retry(|| Some(())).call();
    });
    // Each retry costs a replayed body the same whatever its size: the chunks are kept as
    // `Bytes` handles, never copied.
    assert_eq!(boxed[2] - boxed[1], stream[2] - stream[1]);
    assert_eq!(boxed[3] - boxed[2], stream[3] - stream[2]);
    // ... and one allocation more than a cloned body's: the attempt's boxed replay.
    assert_eq!(boxed[2] - boxed[1], unary[2] - unary[1] + 1);
    // A `Clone` body, and a request that is never sent again, cost the layer nothing on
    // the success path: no copy, no buffer.
    assert_eq!(unary[1], unary[0] + per_call);
    assert_eq!(post[3], post[0] + per_call);
}
