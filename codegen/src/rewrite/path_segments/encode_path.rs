// The segment encoder that `path_segments` puts into every generated module, in place of
// `progenitor_client::encode_path`. It is written here as plain Rust so that it is compiled and
// tested as such (`path_segments` includes it into its tests); generation reads this file as text.
// Only what is below reaches the generated file; `//` comments like these do not.

/// Percent-encodes `segment` so that it fills exactly one URL path segment and decodes back to
/// itself: every byte but RFC 3986's unreserved ones (ASCII letters and digits, `-`, `.`, `_`,
/// `~`) becomes `%XX`. Progenitor's own encoder leaves `\` alone, which URL parsers read as `/`.
#[allow(dead_code)] // a spec without path parameters never calls it
fn encode_path(segment: &str) -> ::std::string::String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = ::std::string::String::with_capacity(segment.len());
    for &byte in segment.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(::std::primitive::char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(::std::primitive::char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(::std::primitive::char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    encoded
}
