//! SVG line charts: the herd experiment (writes against clients, one line per strategy), and
//! the limits comparison (attempts reaching the server over time, one line per configuration).

use plotters::prelude::*;

use crate::herd::{Row, Strategy};

/// Draws `rows` (and, dashed, `reference`) as `writes` against `clients` into an SVG file.
///
/// # Errors
///
/// When the file cannot be written.
pub fn writes_svg(rows: &[Row], reference: &[Row], path: &std::path::Path) -> Result<(), String> {
    let max_clients = rows.iter().map(|r| r.clients).max().unwrap_or(10);
    let max_writes = rows
        .iter()
        .chain(reference)
        .map(|r| r.writes)
        .fold(1.0, f64::max);
    let root = SVGBackend::new(path, (800, 520)).into_drawing_area();
    let error = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| error(&e))?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Writes per run against clients (lines: this library; circles: the 2015 figures)",
            ("sans-serif", 18),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0..max_clients + 10, 0.0..max_writes * 1.05)
        .map_err(|e| error(&e))?;
    chart
        .configure_mesh()
        .x_desc("clients")
        .y_desc("writes (mean of the runs)")
        .draw()
        .map_err(|e| error(&e))?;
    let colors = [RED, MAGENTA, GREEN, BLUE, BLACK];
    for (strategy, color) in Strategy::ALL.into_iter().zip(colors) {
        let line = |rows: &[Row]| -> Vec<(usize, f64)> {
            rows.iter()
                .filter(|r| r.strategy == strategy)
                .map(|r| (r.clients, r.writes))
                .collect()
        };
        chart
            .draw_series(LineSeries::new(line(rows), color.stroke_width(2)))
            .map_err(|e| error(&e))?
            .label(strategy.name())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(
                line(reference)
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.mix(0.6))),
            )
            .map_err(|e| error(&e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| error(&e))?;
    root.present().map_err(|e| error(&e))
}

/// One scenario of the limits comparison: its title, its settings and, per
/// configuration, the attempts reaching the server per bucket of `outage::BUCKET_MS`.
pub type Scenario<'a> = (&'a str, crate::outage::Outage, Vec<(&'a str, Vec<u32>)>);

/// Draws, for each scenario, the attempts reaching the server per second over time, one
/// line per configuration, into an SVG file (the scenarios one above the other).
///
/// # Errors
///
/// When the file cannot be written.
pub fn reaching_svg(scenarios: &[Scenario<'_>], path: &std::path::Path) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let root = SVGBackend::new(path, (900, 420 * 2)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| error(&e))?;
    let panels = root.split_evenly((scenarios.len().max(1), 1));
    let colors = [
        RED,
        BLACK,
        BLUE,
        GREEN,
        RGBColor(0, 150, 150),
        MAGENTA,
        RGBColor(200, 120, 0),
        RGBColor(120, 60, 200),
        RGBColor(140, 140, 140),
    ];
    let per_second = 1000.0 / crate::outage::BUCKET_MS;
    for ((title, settings, lines), panel) in scenarios.iter().zip(panels) {
        let seconds = settings.duration_ms / 1000.0;
        let top = lines
            .iter()
            .flat_map(|(_, line)| line.iter())
            .map(|&n| f64::from(n) * per_second)
            .fold(1.0, f64::max);
        let mut chart = ChartBuilder::on(&panel)
            .caption(
                format!("{title}: attempts reaching the server per second (seed 1)"),
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(35)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..seconds, 0.0..top * 1.05)
            .map_err(|e| error(&e))?;
        chart
            .configure_mesh()
            .x_desc("time (s)")
            .y_desc("attempts/s")
            .draw()
            .map_err(|e| error(&e))?;
        for ((name, line), color) in lines.iter().zip(colors.iter().cycle()) {
            let points = line.iter().zip(0u32..).map(|(&n, bucket)| {
                (
                    f64::from(bucket) * crate::outage::BUCKET_MS / 1000.0,
                    f64::from(n) * per_second,
                )
            });
            let color = *color;
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .map_err(|e| error(&e))?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| error(&e))?;
    }
    root.present().map_err(|e| error(&e))
}
