//! HTTP range helpers shared by the worker's URL source (pure, tested natively).

/// The total length in a `Content-Range` header such as `bytes 0-0/1234`;
/// `None` when it is missing, malformed, or the length is unknown (`*`).
pub fn content_range_total(header: &str) -> Option<u64> {
    let (unit, rest) = header.trim().split_once(' ')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    rest.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_total() {
        assert_eq!(content_range_total("bytes 0-0/1234"), Some(1234));
        assert_eq!(content_range_total(" Bytes 10-19/20 "), Some(20));
        assert_eq!(content_range_total("bytes 0-0/*"), None);
        assert_eq!(content_range_total("items 0-0/5"), None);
        assert_eq!(content_range_total("garbage"), None);
    }
}
