//! Reopening a saved session: which panes it had, and each pane's conversation with the saved
//! responses (text, metrics, cost as they were). Pure.

use crate::record::{ResponseRecord, Session};

/// One saved turn as one pane saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedExchange {
    pub turn: u32,
    pub prompt: String,
    pub system: Option<String>,
    pub record: ResponseRecord,
}

/// A pane of a saved session.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedPane {
    pub pane: u32,
    /// `provider:model`.
    pub model: String,
    /// In turn order; the last one is what the pane shows.
    pub exchanges: Vec<SavedExchange>,
}

/// The panes of `session`, in pane order. With `only_turn`, just that turn (a replay cell opened
/// as a comparison); otherwise every turn, so the conversation can continue.
pub fn saved_panes(session: &Session, only_turn: Option<u32>) -> Vec<SavedPane> {
    let mut panes: Vec<SavedPane> = Vec::new();
    let mut turns: Vec<_> = session
        .turns
        .iter()
        .filter(|t| only_turn.is_none_or(|n| t.index == n))
        .collect();
    turns.sort_by_key(|t| t.index);
    for t in turns {
        for r in &t.responses {
            let ex = SavedExchange {
                turn: t.index,
                prompt: t.prompt.clone(),
                system: t.system.clone(),
                record: r.clone(),
            };
            match panes.iter_mut().find(|p| p.pane == r.pane) {
                Some(p) => {
                    p.model = r.model.clone();
                    p.exchanges.push(ex);
                }
                None => panes.push(SavedPane {
                    pane: r.pane,
                    model: r.model.clone(),
                    exchanges: vec![ex],
                }),
            }
        }
    }
    panes.sort_by_key(|p| p.pane);
    panes
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::Utc;

    use super::*;
    use crate::cost::{Cost, CostSource};
    use crate::metrics::{Metrics, TokenCounts, TokenSource};
    use crate::provider::Params;
    use crate::record::{SESSION_VERSION, SessionKind, Status, Turn};

    pub(crate) fn response(
        pane: u32,
        model: &str,
        text: &str,
        ttft: f64,
        usd: Option<f64>,
    ) -> ResponseRecord {
        ResponseRecord {
            pane,
            model: model.into(),
            open_weights: false,
            simulated: true,
            status: Status::Ok,
            error: None,
            text: text.into(),
            reasoning: String::new(),
            metrics: Metrics {
                ttfb_ms: Some(ttft / 2.0),
                ttft_ms: Some(ttft),
                ttfat_ms: Some(ttft),
                e2e_ms: Some(ttft * 3.0),
                decode_tps: Some(50.0),
                gap_p50_ms: None,
                gap_p95_ms: None,
                tokens: TokenCounts {
                    input: Some(10),
                    cached_input: None,
                    cache_write: None,
                    output: Some(20),
                    reasoning: None,
                    source: TokenSource::Reported,
                },
                server: None,
                retries: 0,
            },
            cost: Cost {
                usd,
                source: if usd.is_some() {
                    CostSource::PriceTable
                } else {
                    CostSource::Unpriced
                },
                computed_usd: None,
                estimated: false,
            },
            price: None,
            started_at: Utc::now(),
            repeat: 0,
        }
    }

    pub(crate) fn two_turn_session() -> Session {
        let turn = |index: u32, prompt: &str, responses| Turn {
            index,
            prompt: prompt.into(),
            system: None,
            params: Params::default(),
            prompt_id: None,
            tags: Vec::new(),
            created_at: Utc::now(),
            responses,
        };
        Session {
            version: SESSION_VERSION,
            id: "s-1".into(),
            title: "capitals".into(),
            kind: SessionKind::Chat,
            created_at: Utc::now(),
            tags: vec![],
            models: vec!["demo:fast".into(), "demo:slow".into()],
            turns: vec![
                // Saved out of order: responses settle in any order.
                turn(
                    1,
                    "And of Japan?",
                    vec![
                        response(1, "demo:slow", "Tokyo.", 900.0, None),
                        response(0, "demo:fast", "Tokyo", 120.0, Some(0.0002)),
                    ],
                ),
                turn(
                    0,
                    "Capital of France?",
                    vec![
                        response(0, "demo:fast", "Paris", 100.0, Some(0.0001)),
                        response(1, "demo:slow", "Paris.", 800.0, None),
                    ],
                ),
            ],
            votes: vec![],
            prompt_set: None,
        }
    }

    #[test]
    fn panes_hold_their_conversation_in_turn_order() {
        let panes = saved_panes(&two_turn_session(), None);
        assert_eq!(panes.len(), 2);
        assert_eq!((panes[0].pane, panes[0].model.as_str()), (0, "demo:fast"));
        let texts: Vec<_> = panes[1]
            .exchanges
            .iter()
            .map(|e| (e.prompt.as_str(), e.record.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("Capital of France?", "Paris."),
                ("And of Japan?", "Tokyo.")
            ]
        );
        assert_eq!(panes[1].exchanges[1].record.cost.usd, None);
        assert_eq!(panes[0].exchanges[1].record.metrics.ttft_ms, Some(120.0));
    }

    #[test]
    fn one_turn_can_be_opened_alone() {
        let panes = saved_panes(&two_turn_session(), Some(0));
        assert!(
            panes
                .iter()
                .all(|p| p.exchanges.len() == 1 && p.exchanges[0].turn == 0)
        );
        assert!(saved_panes(&two_turn_session(), Some(7)).is_empty());
    }
}
