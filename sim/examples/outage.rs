//! A fleet through an outage, with and without a retry budget.
//!
//! ```text
//! cargo run --release -p retry-sim --example outage
//! ```

use retry_sim::outage::{self, Mode, Outage};

fn main() {
    table("The server rejects everything for 30 s", Outage::standard());
    println!();
    table("The server stalls for 5 s", Outage::stall());
}

fn table(title: &str, standard: Outage) {
    println!("## {title}");
    println!();
    let what = match standard.mode {
        Mode::Reject => "rejects every attempt",
        Mode::Stall => "stalls",
    };
    println!(
        "{} clients, {} requests/s each; the server {what} from {:.0} s to {:.0} s, then serves \
         {:.0} attempts/s; timeout {:.0} ms; {:?}",
        standard.clients,
        standard.rate_per_client,
        standard.outage_start_ms / 1000.0,
        standard.outage_end_ms / 1000.0,
        standard.capacity_per_s,
        standard.timeout_ms,
        standard.policy,
    );
    println!();
    println!(
        "| budget | requests in the outage | attempts | amplification | time to recover | success rate |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, settings) in [
        ("none", standard),
        ("RetryBudget::new(10, 0.1)", standard.with_budget(10, 0.1)),
    ] {
        let report = outage::run(&settings, 7);
        let recovery = report.recovery_ms.map_or_else(
            || {
                format!(
                    "not within {:.0} s",
                    (settings.duration_ms - settings.outage_end_ms) / 1000.0
                )
            },
            |ms| format!("{:.1} s", ms / 1000.0),
        );
        println!(
            "| {name} | {} | {} | {:.2}x | {recovery} | {:.1}% |",
            report.requests,
            report.attempts,
            report.amplification,
            report.success_rate * 100.0
        );
    }
}
