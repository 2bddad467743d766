//! Plain-text tables and number formatting for the headless commands. Missing figures are
//! shown as `–`, never as zero; estimates carry `~`.

use unicode_width::UnicodeWidthStr;

use crate::cost::{Cost, CostSource};
use crate::metrics::TokenSource;

pub const MISSING: &str = "–";

/// Columns aligned by display width; the first row is the header, underlined.
pub fn render(rows: &[Vec<String>], right_align_from: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.width());
            if i > 0 {
                line.push_str("  ");
            }
            if i >= right_align_from {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                if i + 1 < r.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if n == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
            out.push_str(&"─".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// `412 ms`, `2.21 s`, or `–`.
pub fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) if v < 1000.0 => format!("{v:.0} ms"),
        Some(v) => format!("{:.2} s", v / 1000.0),
        None => MISSING.into(),
    }
}

pub fn rate(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}"))
        .unwrap_or_else(|| MISSING.into())
}

/// A token count, `~`-prefixed when estimated.
pub fn tokens(v: Option<u64>, source: TokenSource) -> String {
    match v {
        Some(n) if source == TokenSource::Estimated => format!("~{n}"),
        Some(n) => n.to_string(),
        None => MISSING.into(),
    }
}

/// Dollars with enough digits to show small figures (`$0.000323`, `$1.23`).
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        return "$0".into();
    }
    let decimals = (2 - v.abs().log10().floor() as i64).clamp(2, 8) as usize;
    format!("${v:.decimals$}")
}

/// A cost as a person should read it: `unpriced`, `$0 (local)`, `$0.0004 (reported)`, `~$0.0003`.
pub fn cost(c: &Cost) -> String {
    match (c.source, c.usd) {
        (CostSource::Unpriced, _) => "unpriced".into(),
        (CostSource::Local, _) => "$0 (local)".into(),
        (CostSource::Reported, Some(v)) => format!("{} (reported)", usd(v)),
        (_, Some(v)) if c.estimated => format!("~{}", usd(v)),
        (_, Some(v)) => usd(v),
        (_, None) => MISSING.into(),
    }
}

/// A price per 1M tokens.
pub fn per_m(v: Option<f64>) -> String {
    match v {
        Some(v) => {
            let s = format!("{v:.3}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            format!("${s}")
        }
        None => MISSING.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_honestly() {
        assert_eq!(ms(Some(412.3)), "412 ms");
        assert_eq!(ms(Some(2210.0)), "2.21 s");
        assert_eq!(ms(None), "–");
        assert_eq!(usd(0.000323), "$0.000323");
        assert_eq!(usd(1.234), "$1.23");
        assert_eq!(usd(0.05), "$0.0500");
        assert_eq!(tokens(Some(160), TokenSource::Estimated), "~160");
        assert_eq!(per_m(Some(0.25)), "$0.25");
        assert_eq!(per_m(Some(15.0)), "$15");
        let unpriced = Cost {
            usd: None,
            source: CostSource::Unpriced,
            computed_usd: None,
            estimated: false,
        };
        assert_eq!(cost(&unpriced), "unpriced");
        let local = Cost {
            usd: Some(0.0),
            source: CostSource::Local,
            computed_usd: None,
            estimated: false,
        };
        assert_eq!(cost(&local), "$0 (local)");
    }
}
