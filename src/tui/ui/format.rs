//! Figures as text: milliseconds, rates, token counts and dollars. A missing value is shown as
//! missing (`—`), never as zero; estimates carry `~`.

use crate::cost::{Cost, CostSource};
use crate::strings::tui as s;

pub fn ms(v: f64) -> String {
    if v < 1000.0 {
        format!("{v:.0}ms")
    } else if v < 60_000.0 {
        format!("{:.1}s", v / 1000.0)
    } else {
        format!(
            "{:.0}m{:02.0}s",
            (v / 60_000.0).floor(),
            (v % 60_000.0) / 1000.0
        )
    }
}

pub fn opt_ms(v: Option<f64>) -> String {
    v.map(ms).unwrap_or_else(|| s::MISSING.to_string())
}

pub fn tokens(n: u64) -> String {
    if n < 10_000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}k", n as f64 / 1000.0)
    } else {
        format!("{:.2}M", n as f64 / 1e6)
    }
}

pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".into()
    } else if v < 0.001 {
        format!("${v:.6}")
    } else if v < 1.0 {
        format!("${v:.4}")
    } else {
        format!("${v:.2}")
    }
}

/// A cost as a pane shows it: `$0.0012`, `~$0.0012` (estimated tokens), `$0 (local)`, `unpriced`.
pub fn cost(c: &Cost) -> String {
    match (c.source, c.usd) {
        (CostSource::Unpriced, _) | (_, None) => s::UNPRICED.to_string(),
        (CostSource::Local, Some(0.0)) => s::LOCAL_FREE.to_string(),
        (_, Some(v)) => format!("{}{}", if c.estimated { "~" } else { "" }, usd(v)),
    }
}

/// Price per 1M tokens, input/output.
pub fn price(p: Option<&crate::catalog::Price>, local: bool) -> String {
    match p {
        Some(p) => format!("${}/${}", trim_num(p.input), trim_num(p.output)),
        None if local => s::LOCAL_FREE.to_string(),
        None => s::UNPRICED.to_string(),
    }
}

fn trim_num(v: f64) -> String {
    let t = format!("{v:.3}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    t.to_string()
}

pub fn context(n: Option<u64>) -> String {
    match n {
        Some(n) if n >= 1_000_000 => format!("{}M", n / 1_000_000),
        Some(n) if n >= 1000 => format!("{}k", n / 1000),
        Some(n) => n.to_string(),
        None => s::MISSING.to_string(),
    }
}

/// Spinner frame for an elapsed time (deterministic: no clock here).
pub fn spinner(elapsed_ms: u128) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[(elapsed_ms / 100 % 10) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_well() {
        assert_eq!(ms(412.3), "412ms");
        assert_eq!(ms(2210.0), "2.2s");
        assert_eq!(tokens(160), "160");
        assert_eq!(tokens(123_456), "123.5k");
        assert_eq!(usd(0.000323), "$0.000323");
        assert_eq!(usd(0.0123), "$0.0123");
        assert_eq!(usd(0.0), "$0");
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
        let est = Cost {
            usd: Some(0.002),
            source: CostSource::PriceTable,
            computed_usd: None,
            estimated: true,
        };
        assert_eq!(cost(&est), "~$0.0020");
        assert_eq!(opt_ms(None), "—");
    }
}
