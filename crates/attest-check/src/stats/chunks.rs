//! Chunks of time-ordered rows for backtesting (SPEC §3 "Backtesting over
//! time"): calendar periods of UTC instants and runs of rows.

/// A calendar period (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarPeriod {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// The key of the period holding an instant (ns since 1970-01-01T00:00:00Z):
/// `2024-03-05` (day), `2024-W10` (ISO 8601 week, Monday first; the year
/// is the ISO week-numbering year), `2024-03` (month), `2024-Q1` (quarter),
/// `2024` (year).
pub fn period_key(instant_ns: i64, period: CalendarPeriod) -> String {
    let days = instant_ns.div_euclid(86_400_000_000_000);
    let (y, m, d) = civil_from_days(days);
    match period {
        CalendarPeriod::Day => format!("{y:04}-{m:02}-{d:02}"),
        CalendarPeriod::Month => format!("{y:04}-{m:02}"),
        CalendarPeriod::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
        CalendarPeriod::Year => format!("{y:04}"),
        CalendarPeriod::Week => {
            let (wy, w) = iso_week(days);
            format!("{wy:04}-W{w:02}")
        }
    }
}

/// The first instant (ns) of the period holding `instant_ns`, to order
/// periods in time.
pub fn period_start(instant_ns: i64, period: CalendarPeriod) -> i64 {
    let days = instant_ns.div_euclid(86_400_000_000_000);
    let (y, m, _) = civil_from_days(days);
    let start_day = match period {
        CalendarPeriod::Day => days,
        CalendarPeriod::Week => days - weekday_from_monday(days),
        CalendarPeriod::Month => days_from_civil(y, m, 1),
        CalendarPeriod::Quarter => days_from_civil(y, (m - 1) / 3 * 3 + 1, 1),
        CalendarPeriod::Year => days_from_civil(y, 1, 1),
    };
    start_day.saturating_mul(86_400_000_000_000)
}

/// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
fn weekday_from_monday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// The ISO 8601 (year, week) of a day: the week with the year's first
/// Thursday is week 1.
fn iso_week(days: i64) -> (i64, u32) {
    let thursday = days - weekday_from_monday(days) + 3;
    let (y, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    (y, week as u32)
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic
/// Gregorian; H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Sizes of `n` rows cut into runs of `size` (the last one shorter); empty
/// for `size` = 0.
pub fn run_sizes(n: usize, size: usize) -> Vec<usize> {
    if size == 0 {
        return Vec::new();
    }
    (0..n.div_ceil(size))
        .map(|k| size.min(n - k * size))
        .collect()
}

/// Sizes of `n` rows cut into `parts` near-equal chunks, as
/// `numpy.array_split`: the first `n % parts` chunks have one row more
/// (some are empty when `parts` > `n`); empty for `parts` = 0.
pub fn split_sizes(n: usize, parts: usize) -> Vec<usize> {
    if parts == 0 {
        return Vec::new();
    }
    let (q, r) = (n / parts, n % parts);
    (0..parts).map(|k| q + usize::from(k < r)).collect()
}

/// The key of rows `[start, end)` of a row-count chunk: `[0:400)`.
pub fn range_key(start: usize, end: usize) -> String {
    format!("[{start}:{end})")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000_000;

    fn at(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * DAY
    }

    #[test]
    fn calendar_keys() {
        let t = at(2024, 3, 5) + 3_600_000_000_000;
        assert_eq!(period_key(t, CalendarPeriod::Day), "2024-03-05");
        assert_eq!(period_key(t, CalendarPeriod::Month), "2024-03");
        assert_eq!(period_key(t, CalendarPeriod::Quarter), "2024-Q1");
        assert_eq!(period_key(t, CalendarPeriod::Year), "2024");
        assert_eq!(period_key(t, CalendarPeriod::Week), "2024-W10");
        // before the epoch
        assert_eq!(period_key(-1, CalendarPeriod::Day), "1969-12-31");
    }

    #[test]
    fn iso_weeks_at_year_ends() {
        // 2021-01-03 (a Sunday) belongs to 2020-W53; 2024-12-30 to 2025-W01.
        assert_eq!(period_key(at(2021, 1, 3), CalendarPeriod::Week), "2020-W53");
        assert_eq!(period_key(at(2021, 1, 4), CalendarPeriod::Week), "2021-W01");
        assert_eq!(
            period_key(at(2024, 12, 30), CalendarPeriod::Week),
            "2025-W01"
        );
        assert_eq!(
            period_start(at(2024, 3, 7), CalendarPeriod::Week),
            at(2024, 3, 4)
        );
        assert_eq!(
            period_start(at(2024, 8, 7), CalendarPeriod::Quarter),
            at(2024, 7, 1)
        );
    }

    #[test]
    fn row_chunks_as_numpy() {
        assert_eq!(run_sizes(1000, 400), vec![400, 400, 200]);
        assert_eq!(run_sizes(800, 400), vec![400, 400]);
        assert!(run_sizes(0, 400).is_empty());
        // numpy.array_split(np.arange(11), 3) → sizes 4, 4, 3
        assert_eq!(split_sizes(11, 3), vec![4, 4, 3]);
        assert_eq!(split_sizes(2, 4), vec![1, 1, 0, 0]);
        assert_eq!(range_key(0, 400), "[0:400)");
    }
}
