//! Time zones by IANA name, resolved as Go's `time.LoadLocation` resolves them inside the API
//! server and kube-controller-manager (both embed Go's `time/tzdata`). The names come from
//! jiff's bundled copy of the IANA database, so the page and the CLI agree without a
//! `/usr/share/zoneinfo`.

use std::fmt;

use jiff::tz::{TimeZone, TimeZoneDatabase};

/// Why `time.LoadLocation` refused a name (its error texts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocationError {
    /// A name with `..` or a leading slash (`errLocation`).
    InvalidName,
    /// A name the database does not hold.
    Unknown(String),
}

impl fmt::Display for LocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocationError::InvalidName => f.write_str("time: invalid location name"),
            LocationError::Unknown(name) => write!(f, "unknown time zone {name}"),
        }
    }
}

/// `time.LoadLocation(name)`. `""` and `"UTC"` are UTC; `"Local"` is the process's zone, which
/// for kube-controller-manager in a kind node is UTC.
pub fn load_location(name: &str) -> Result<TimeZone, LocationError> {
    if name.is_empty() || name == "UTC" || name == "Local" {
        return Ok(TimeZone::UTC);
    }
    if name.contains("..") || name.starts_with(['/', '\\']) {
        return Err(LocationError::InvalidName);
    }
    let unknown = || LocationError::Unknown(name.to_string());
    let zone = TimeZoneDatabase::bundled()
        .get(name)
        .map_err(|_| unknown())?;
    // jiff looks names up without regard to case; Go's embedded zip is case-sensitive.
    if zone.iana_name() == Some(name) {
        Ok(zone)
    } else {
        Err(unknown())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_as_go_does() {
        assert!(load_location("Europe/Berlin").is_ok());
        assert!(load_location("America/New_York").is_ok());
        // Backward-compatible links are part of Go's database too.
        assert!(load_location("US/Eastern").is_ok());
        assert_eq!(load_location("Local"), Ok(TimeZone::UTC));
        assert_eq!(
            load_location("europe/berlin"),
            Err(LocationError::Unknown("europe/berlin".into()))
        );
        assert_eq!(
            load_location("Mars/Olympus_Mons")
                .map_err(|e| e.to_string())
                .err(),
            Some("unknown time zone Mars/Olympus_Mons".into())
        );
        assert_eq!(
            load_location("Europe/../etc"),
            Err(LocationError::InvalidName)
        );
    }
}
