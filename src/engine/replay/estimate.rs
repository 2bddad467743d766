//! The cost estimate shown before a replay starts (DESIGN §6): input tokens counted with o200k
//! (exact for OpenAI's own models, an estimate for every other tokenizer), output tokens from
//! `max_tokens` when set, else from the history of the resumed session, else a stated default;
//! priced per cell with [`cost::compute`] so price tiers apply; unpriced models are named, never $0.

use crate::cost::{self, CostSource};
use crate::metrics::{TokenCounts, TokenSource};

use super::Cell;
use crate::catalog::ResolvedModel;

/// Output tokens assumed per cell when neither `max_tokens` nor history says otherwise.
pub const DEFAULT_OUTPUT_TOKENS: u64 = 500;

/// Where the output-token figure of an estimate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputBasis {
    /// `max_tokens` of the request: an upper bound.
    MaxTokens,
    /// The mean output of this model's answered cells in the resumed session.
    History,
    /// [`DEFAULT_OUTPUT_TOKENS`]: a guess.
    Default,
}

/// The estimate for one model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelEstimate {
    pub model: String,
    /// Cells this model will answer.
    pub cells: usize,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// False when the model's tokenizer is not o200k (the count is then an estimate).
    pub input_exact: bool,
    /// How the output tokens were chosen (the weakest basis used by any cell).
    pub output_basis: OutputBasis,
    /// None when the model is unpriced.
    pub usd: Option<f64>,
    pub cost_source: CostSource,
}

/// The estimate of a whole replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub models: Vec<ModelEstimate>,
}

impl Estimate {
    /// The sum over priced models (None when no model is priced).
    pub fn priced_total(&self) -> Option<f64> {
        let priced: Vec<f64> = self.models.iter().filter_map(|m| m.usd).collect();
        (!priced.is_empty()).then(|| priced.iter().sum())
    }
    /// Models whose cost cannot be estimated.
    pub fn unpriced(&self) -> Vec<&str> {
        self.models
            .iter()
            .filter(|m| m.usd.is_none() && m.cells > 0)
            .map(|m| m.model.as_str())
            .collect()
    }
    pub fn cells(&self) -> usize {
        self.models.iter().map(|m| m.cells).sum()
    }
}

/// Tokens of `text` in o200k.
pub fn count_tokens(text: &str) -> u64 {
    tiktoken_rs::o200k_base_singleton()
        .encode_with_special_tokens(text)
        .len() as u64
}

/// Chat-format tokens OpenAI adds per message, and to prime the reply (OpenAI cookbook,
/// "How to count tokens with tiktoken", for the GPT-4o family).
pub const TOKENS_PER_MESSAGE: u64 = 3;
pub const REPLY_PRIMING_TOKENS: u64 = 3;

/// Input tokens of a one-turn request: the texts in o200k plus the chat formatting.
pub fn prompt_tokens(system: Option<&str>, prompt: &str) -> u64 {
    let messages = 1 + u64::from(system.is_some());
    count_tokens(prompt)
        + system.map_or(0, count_tokens)
        + messages * TOKENS_PER_MESSAGE
        + REPLY_PRIMING_TOKENS
}

/// Whether o200k is the model's own tokenizer (OpenAI's GPT-4o/4.1/5 and o-series models).
pub fn o200k_is_native(model: &ResolvedModel) -> bool {
    let name = model.model.rsplit('/').next().unwrap_or(&model.model);
    let openai_family = name.starts_with("gpt-4o")
        || name.starts_with("gpt-4.1")
        || name.starts_with("gpt-4.5")
        || name.starts_with("gpt-5")
        || name.starts_with("gpt-oss")
        || name.starts_with("o1")
        || name.starts_with("o3")
        || name.starts_with("o4")
        || name.starts_with("codex");
    openai_family && !model.simulated
}

/// Estimate the cells about to run. `history_output[m]` is the mean output tokens of model `m`
/// in earlier answers (a resumed session), if any.
pub fn estimate(
    models: &[ResolvedModel],
    cells: &[Cell],
    history_output: &[Option<u64>],
) -> Estimate {
    let mut out: Vec<ModelEstimate> = models
        .iter()
        .map(|m| ModelEstimate {
            model: m.id.clone(),
            cells: 0,
            input_tokens: 0,
            output_tokens: 0,
            input_exact: o200k_is_native(m),
            output_basis: OutputBasis::MaxTokens,
            usd: Some(0.0),
            cost_source: CostSource::PriceTable,
        })
        .collect();
    // Token counts per distinct prompt text are cached: cells share prompts.
    let mut counted: std::collections::HashMap<(Option<&str>, &str), u64> = Default::default();
    for cell in cells {
        let Some(model) = models.get(cell.model) else {
            continue;
        };
        let est = &mut out[cell.model];
        let prompt = cell
            .request
            .messages
            .last()
            .map_or("", |m| m.content.as_str());
        let system = cell.request.system.as_deref();
        let input = *counted
            .entry((system, prompt))
            .or_insert_with(|| prompt_tokens(system, prompt));
        let (output, basis) = match (
            cell.request.params.max_tokens,
            history_output.get(cell.model).copied().flatten(),
        ) {
            (Some(n), _) => (u64::from(n), OutputBasis::MaxTokens),
            (None, Some(h)) => (h, OutputBasis::History),
            (None, None) => (DEFAULT_OUTPUT_TOKENS, OutputBasis::Default),
        };
        est.output_basis = weaker(est.output_basis, basis);
        est.cells += 1;
        est.input_tokens += input;
        est.output_tokens += output;
        let tokens = TokenCounts {
            input: Some(input),
            cached_input: None,
            cache_write: None,
            output: Some(output),
            reasoning: None,
            source: TokenSource::Estimated,
        };
        let c = cost::compute(&tokens, model.price.as_ref(), model.is_local(), None);
        est.cost_source = c.source;
        est.usd = match (est.usd, c.usd) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }
    Estimate { models: out }
}

fn weaker(a: OutputBasis, b: OutputBasis) -> OutputBasis {
    use OutputBasis::*;
    match (a, b) {
        (Default, _) | (_, Default) => Default,
        (History, _) | (_, History) => History,
        _ => MaxTokens,
    }
}
