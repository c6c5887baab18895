//! The protobuf wire format, as far as a decoder needs it: keys, varints, length-delimited
//! and fixed-width values, with the errors gogo-protobuf's generated `Unmarshal` methods give
//! (the API server quotes them in its 400 answers).

use std::fmt;

/// How a field's value is laid out on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireType {
    Varint,
    Fixed64,
    LengthDelimited,
    Fixed32,
}

impl WireType {
    pub fn number(self) -> u64 {
        match self {
            WireType::Varint => 0,
            WireType::Fixed64 => 1,
            WireType::LengthDelimited => 2,
            WireType::Fixed32 => 5,
        }
    }
}

/// Why a message could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The input ends inside a value.
    UnexpectedEof,
    /// A varint longer than 64 bits.
    IntegerOverflow,
    /// A length that points before its start.
    NegativeLength,
    /// A group's end (4) outside a group.
    EndGroup { message: String },
    /// A group's start (3; Kubernetes' messages have no groups) or an unknown wire type.
    IllegalWireType { wire_type: u64 },
    /// Field number 0.
    IllegalTag { message: String, wire_type: u64 },
    /// A known field with the wrong wire type.
    WrongWireType { field: String, wire_type: u64 },
    /// A value the JSON form cannot hold (a time out of range, raw data that is not JSON).
    Invalid(String),
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::UnexpectedEof => write!(f, "unexpected EOF"),
            WireError::IntegerOverflow => write!(f, "proto: integer overflow"),
            WireError::NegativeLength => {
                write!(f, "proto: negative length found during unmarshaling")
            }
            WireError::EndGroup { message } => {
                write!(f, "proto: {message}: wiretype end group for non-group")
            }
            WireError::IllegalWireType { wire_type } => {
                write!(f, "proto: illegal wireType {wire_type}")
            }
            WireError::IllegalTag { message, wire_type } => {
                write!(f, "proto: {message}: illegal tag 0 (wire type {wire_type})")
            }
            WireError::WrongWireType { field, wire_type } => {
                write!(f, "proto: wrong wireType = {wire_type} for field {field}")
            }
            WireError::Invalid(text) => write!(f, "{text}"),
        }
    }
}

/// One field as read: its number and its value.
pub struct Entry<'a> {
    pub number: u64,
    pub value: Value<'a>,
}

#[derive(Clone, Copy)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

impl Value<'_> {
    pub fn wire_type(&self) -> WireType {
        match self {
            Value::Varint(_) => WireType::Varint,
            Value::Fixed64(_) => WireType::Fixed64,
            Value::Bytes(_) => WireType::LengthDelimited,
            Value::Fixed32(_) => WireType::Fixed32,
        }
    }
}

/// Reads the fields of one message in order.
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// The message's name, for errors.
    message: &'a str,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], message: &'a str) -> Reader<'a> {
        Reader { bytes, message }
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first().ok_or(WireError::UnexpectedEof)?;
            self.bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(WireError::IntegerOverflow)
    }

    fn take(&mut self, length: usize) -> Result<&'a [u8], WireError> {
        if length > self.bytes.len() {
            return Err(WireError::UnexpectedEof);
        }
        let (taken, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        Ok(taken)
    }

    /// The next field, or None at the end of the message.
    pub fn next_entry(&mut self) -> Result<Option<Entry<'a>>, WireError> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let (number, wire_type) = (key >> 3, key & 7);
        if wire_type == 4 {
            return Err(WireError::EndGroup {
                message: self.message.to_string(),
            });
        }
        if number == 0 {
            return Err(WireError::IllegalTag {
                message: self.message.to_string(),
                wire_type,
            });
        }
        let value = match wire_type {
            0 => Value::Varint(self.varint()?),
            1 => {
                let bytes = self.take(8)?;
                Value::Fixed64(u64::from_le_bytes(
                    bytes.try_into().map_err(|_| WireError::UnexpectedEof)?,
                ))
            }
            2 => {
                let length = self.varint()?;
                let length = i64::try_from(length)
                    .ok()
                    .filter(|length| *length >= 0)
                    .ok_or(WireError::NegativeLength)?;
                let length = usize::try_from(length).map_err(|_| WireError::UnexpectedEof)?;
                Value::Bytes(self.take(length)?)
            }
            5 => {
                let bytes = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes(
                    bytes.try_into().map_err(|_| WireError::UnexpectedEof)?,
                ))
            }
            _ => return Err(WireError::IllegalWireType { wire_type }),
        };
        Ok(Some(Entry { number, value }))
    }
}

/// The varints packed into one length-delimited value (a packed repeated scalar).
pub fn packed_varints(bytes: &[u8]) -> Result<Vec<u64>, WireError> {
    let mut reader = Reader::new(bytes, "");
    let mut values = Vec::new();
    while !reader.bytes.is_empty() {
        values.push(reader.varint()?);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(bytes: &[u8]) -> Result<Vec<(u64, u64)>, WireError> {
        let mut reader = Reader::new(bytes, "Test");
        let mut out = Vec::new();
        while let Some(entry) = reader.next_entry()? {
            out.push((entry.number, entry.value.wire_type().number()));
        }
        Ok(out)
    }

    #[test]
    fn reads_keys_varints_and_lengths() {
        // field 1 varint 300, field 2 bytes "hi", field 3 fixed32, field 4 fixed64
        let bytes = [
            0x08, 0xac, 0x02, 0x12, 2, b'h', b'i', 0x1d, 1, 0, 0, 0, 0x21, 1, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(entries(&bytes), Ok(vec![(1, 0), (2, 2), (3, 5), (4, 1)]));
    }

    #[test]
    fn truncated_input_is_an_unexpected_eof() {
        assert_eq!(entries(&[0x08]), Err(WireError::UnexpectedEof));
        assert_eq!(entries(&[0x12, 5, b'a']), Err(WireError::UnexpectedEof));
        assert_eq!(entries(&[0x08, 0x80]), Err(WireError::UnexpectedEof));
    }

    #[test]
    fn rejects_overlong_varints_groups_and_tag_zero() {
        assert_eq!(
            entries(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]),
            Err(WireError::IntegerOverflow)
        );
        assert_eq!(
            entries(&[0x0b]).unwrap_err().to_string(),
            "proto: illegal wireType 3"
        );
        assert_eq!(
            entries(&[0x0c]).unwrap_err().to_string(),
            "proto: Test: wiretype end group for non-group"
        );
        assert_eq!(
            entries(&[0x00, 0x01]).unwrap_err().to_string(),
            "proto: Test: illegal tag 0 (wire type 0)"
        );
    }
}
