//! The 2015 AWS backoff-and-jitter experiment on this library's own delays.
//!
//! ```text
//! cargo run --release -p retry-sim --example herd                # CSV for 10..=190 clients, 100 runs each
//! cargo run --release -p retry-sim --example herd -- --compare sim/data/brooker2015.csv --svg docs/herd.svg
//! ```
//!
//! Prints `clients,time_ms,writes,algorithm`. With `--compare FILE`, also checks writes
//! against the reference within 10% for every jittered strategy at 50 clients or more, and
//! the ordering of the strategies; it exits with 1 when they do not match.

use std::process::ExitCode;

use retry_sim::herd::{self, CSV_HEADER};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut reference, mut svg, mut runs, mut seed) = (None, None, 100u32, 2015u64);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--compare", Some(path)) => reference = Some(path),
            ("--svg", Some(path)) => svg = Some(path),
            ("--runs", Some(n)) if n.parse::<u32>().is_ok() => runs = n.parse().unwrap_or(100),
            ("--seed", Some(n)) if n.parse::<u64>().is_ok() => seed = n.parse().unwrap_or(2015),
            _ => {
                eprintln!(
                    "usage: herd [--runs N] [--seed S] [--compare reference.csv] [--svg out.svg]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let clients: Vec<usize> = (10..=190).step_by(10).collect();
    let rows = herd::experiment(&clients, runs, seed);
    println!("{CSV_HEADER}");
    for row in &rows {
        println!("{}", row.csv());
    }
    let reference = match reference.map(std::fs::read_to_string).transpose() {
        Ok(text) => text.map(|t| herd::parse_reference(&t)).transpose(),
        Err(e) => Err(e.to_string()),
    };
    let reference = match reference {
        Ok(reference) => reference.unwrap_or_default(),
        Err(e) => {
            eprintln!("cannot read the reference: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = svg {
        if let Err(e) = retry_sim::plot::writes_svg(&rows, &reference, path.as_ref()) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::from(2);
        }
    }
    if reference.is_empty() {
        return ExitCode::SUCCESS;
    }
    let problems = herd::compare(&rows, &reference, 50, 0.10);
    for problem in &problems {
        eprintln!("mismatch: {problem}");
    }
    if problems.is_empty() {
        eprintln!("matches the reference: writes within 10% at 50+ clients, same ordering");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
