//! How many of a long list's rows to draw: those from the top down to a screenful below what
//! the list's scroll box shows. The events timeline keeps its 200 newest Events but draws
//! only these (while 10,000 pods scaled at 60×, rewriting all 200 rows four times a second was
//! the page's longest frames, though a panel shows about twenty); the rest of the list is
//! room kept at the rows' usual height, so the scroll bar stays true.

/// Rows drawn before the scroll box has been measured: a laptop's panel and some.
pub const FIRST_ROWS: usize = 40;

/// The rows to draw of `total` when the box is scrolled down `scrolled` pixels and shows
/// `viewport` of them, each row at least `shortest_row` pixels tall: every row that can reach
/// into view, and a viewport's more below, so a scroll draws the next rows before they show.
pub fn rows_to_draw(scrolled: f64, viewport: f64, shortest_row: f64, total: usize) -> usize {
    if shortest_row.is_nan()
        || shortest_row <= 0.0
        || !scrolled.is_finite()
        || !viewport.is_finite()
    {
        return total.min(FIRST_ROWS);
    }
    let reach = scrolled.max(0.0) + 2.0 * viewport.max(0.0);
    // Saturating float-to-integer conversion: an absurd height draws every row, no more.
    let rows = (reach / shortest_row).ceil() as usize;
    rows.max(FIRST_ROWS).min(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panel_at_the_top_draws_two_screenfuls() {
        // 360 px of 21-px rows: 18 in view, 35 with the next screenful; never fewer than 40.
        assert_eq!(rows_to_draw(0.0, 360.0, 21.0, 200), 40);
        assert_eq!(rows_to_draw(0.0, 900.0, 21.0, 200), 86);
    }

    #[test]
    fn scrolling_down_draws_the_rows_reached() {
        assert_eq!(rows_to_draw(1_000.0, 360.0, 21.0, 200), 82);
        assert_eq!(rows_to_draw(10_000.0, 360.0, 21.0, 200), 200);
    }

    #[test]
    fn fewer_rows_than_the_window_are_all_drawn() {
        assert_eq!(rows_to_draw(0.0, 360.0, 21.0, 7), 7);
        assert_eq!(rows_to_draw(0.0, 0.0, 0.0, 7), 7);
        assert_eq!(rows_to_draw(f64::NAN, 360.0, 21.0, 200), 40);
        assert_eq!(rows_to_draw(0.0, f64::INFINITY, 21.0, 200), 40);
        assert_eq!(rows_to_draw(0.0, 1e300, 21.0, 200), 200);
    }
}
