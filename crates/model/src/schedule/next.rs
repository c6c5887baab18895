//! `SpecSchedule.Next` of robfig/cron v3 (`spec.go`), step for step, over Go's `time` rules.
//!
//! The walk matters for daylight saving time, and so it is copied rather than reinvented: the
//! hour field advances by adding one real hour, so a wall-clock time that a spring-forward
//! gap skips never matches (that day's run is skipped), and a time that a fall-back overlap
//! repeats matches twice (the job runs in both). `time.Date` resolves a wall-clock time with
//! the offset Go's lookup lands on, which `go_date` reproduces.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;

/// One bit per allowed value, as robfig stores them, plus whether the day fields were written
/// as `*`/`?` (robfig's star bit), which decides how day-of-month and day-of-week combine.
#[derive(Clone, Debug, Default)]
pub(super) struct Fields {
    pub minute: u64,
    pub hour: u64,
    pub dom: u64,
    pub month: u64,
    pub dow: u64,
    pub dom_star: bool,
    pub dow_star: bool,
}

impl Fields {
    /// `dayMatches`: both day fields must match if either was a star; otherwise either does.
    fn day_matches(&self, at: &DateTime) -> bool {
        let dom = has(self.dom, at.day());
        let dow = has(self.dow, weekday_number(at.weekday()));
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }
}

fn has(bits: u64, value: impl Into<i64>) -> bool {
    u32::try_from(value.into())
        .ok()
        .and_then(|shift| 1u64.checked_shl(shift))
        .is_some_and(|bit| bits & bit != 0)
}

fn weekday_number(weekday: Weekday) -> i8 {
    weekday.to_sunday_zero_offset()
}

/// A moment as Go's `time.Time` in the schedule's location: whole Unix seconds (the walk
/// never needs less) plus the zone that gives its wall clock.
struct Clock<'z> {
    zone: &'z TimeZone,
}

impl Clock<'_> {
    fn wall(&self, second: i64) -> Option<DateTime> {
        Some(self.zone.to_datetime(Timestamp::from_second(second).ok()?))
    }

    fn offset(&self, second: i64) -> Option<i64> {
        let instant = Timestamp::from_second(second).ok()?;
        Some(i64::from(self.zone.to_offset(instant).seconds()))
    }

    /// `time.Date(year, month, day, hour, minute, 0, 0, loc)`: out-of-range months and days
    /// roll over, and a wall-clock time in a gap or overlap takes the offset Go's two-step
    /// lookup finds (the offset in force at the wall time read as UTC, corrected once).
    fn date(&self, year: i16, month: i64, day: i64, hour: i8, minute: i8) -> Option<i64> {
        let months = i64::from(year) * 12 + (month - 1);
        let year = i16::try_from(months.div_euclid(12)).ok()?;
        let month = i8::try_from(months.rem_euclid(12) + 1).ok()?;
        let date = Date::new(year, month, 1)
            .ok()?
            .checked_add(jiff::Span::new().days(day - 1))
            .ok()?;
        let wall = TimeZone::UTC
            .to_timestamp(date.at(hour, minute, 0, 0))
            .ok()?
            .as_second();
        let guess = self.offset(wall)?;
        let offset = self.offset(wall - guess)?;
        Some(wall - offset)
    }
}

/// The first activation strictly after `after`, or `None` if there is none within five years
/// (robfig returns the zero time then).
pub(super) fn next(fields: &Fields, zone: &TimeZone, after: Timestamp) -> Option<Timestamp> {
    let clock = Clock { zone };
    // "Start at the earliest possible time (the upcoming second)."
    let mut t = after.as_second() + 1;
    let mut added = false;
    let year_limit = clock.wall(t)?.year() + 5;
    'wrap: loop {
        let mut at = clock.wall(t)?;
        if at.year() > year_limit {
            return None;
        }
        while !has(fields.month, at.month()) {
            if !added {
                added = true;
                t = clock.date(at.year(), i64::from(at.month()), 1, 0, 0)?;
                at = clock.wall(t)?;
            }
            t = clock.date(
                at.year(),
                i64::from(at.month()) + 1,
                i64::from(at.day()),
                at.hour(),
                at.minute(),
            )?;
            at = clock.wall(t)?;
            if at.month() == 1 {
                continue 'wrap;
            }
        }
        while !fields.day_matches(&at) {
            if !added {
                added = true;
                t = clock.date(at.year(), i64::from(at.month()), i64::from(at.day()), 0, 0)?;
                at = clock.wall(t)?;
            }
            t = clock.date(
                at.year(),
                i64::from(at.month()),
                i64::from(at.day()) + 1,
                at.hour(),
                at.minute(),
            )?;
            at = clock.wall(t)?;
            // Midnight may not exist on a DST day: move back to hour 0, or on to the next day.
            if at.hour() != 0 {
                let hour = i64::from(at.hour());
                t += if hour > 12 { 24 - hour } else { -hour } * 3600;
                at = clock.wall(t)?;
            }
            if at.day() == 1 {
                continue 'wrap;
            }
        }
        while !has(fields.hour, at.hour()) {
            if !added {
                added = true;
                t = clock.date(
                    at.year(),
                    i64::from(at.month()),
                    i64::from(at.day()),
                    at.hour(),
                    0,
                )?;
            }
            t += 3600;
            at = clock.wall(t)?;
            if at.hour() == 0 {
                continue 'wrap;
            }
        }
        while !has(fields.minute, at.minute()) {
            if !added {
                added = true;
                t -= t.rem_euclid(60);
            }
            t += 60;
            at = clock.wall(t)?;
            if at.minute() == 0 {
                continue 'wrap;
            }
        }
        // Seconds: robfig's standard parser fixes them at 0.
        while at.second() != 0 {
            added = true;
            t += 1;
            at = clock.wall(t)?;
            if at.second() == 0 {
                continue 'wrap;
            }
        }
        return Timestamp::from_second(t).ok();
    }
}
