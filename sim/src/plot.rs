//! An SVG line chart of the herd experiment: writes against clients, one line per strategy.

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
