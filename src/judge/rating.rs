//! Bradley–Terry strengths fitted by MM iterations (Hunter, "MM algorithms for generalized
//! Bradley–Terry models", 2004), on the Elo scale.

use super::Game;

/// Virtual games each model plays against a fixed 1500 anchor (half won, half lost).
pub const PRIOR_GAMES: f64 = 2.0;

/// The rating of an average model.
pub const BASE: f64 = 1500.0;
/// Rating points for 10:1 odds.
pub const SCALE: f64 = 400.0;

const MAX_ITERATIONS: usize = 2000;
const TOLERANCE: f64 = 1e-10;

/// Ratings of `n` models from `games`. With `prior_games > 0` each model also plays that many
/// virtual games against an anchor of strength 1 (rating [`BASE`]), winning half; with 0 the
/// plain maximum-likelihood fit is centred so that the geometric mean sits at [`BASE`] (a model
/// that never scored then gets a very low, finite rating).
pub fn bradley_terry(n: usize, games: &[Game], prior_games: f64) -> Vec<f64> {
    let mut score = vec![prior_games / 2.0; n];
    let mut pairs: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for g in games {
        if g.a == g.b || g.a >= n || g.b >= n {
            continue;
        }
        score[g.a] += g.score_a;
        score[g.b] += 1.0 - g.score_a;
        add(&mut pairs[g.a], g.b);
        add(&mut pairs[g.b], g.a);
    }
    let floor = 1e-9;
    let mut p = vec![1.0f64; n];
    for _ in 0..MAX_ITERATIONS {
        let mut next = vec![1.0f64; n];
        let mut change = 0.0f64;
        for i in 0..n {
            let mut denom = prior_games / (p[i] + 1.0);
            for &(j, count) in &pairs[i] {
                denom += count / (p[i] + p[j]);
            }
            next[i] = if denom > 0.0 {
                (score[i] / denom).max(floor)
            } else {
                1.0
            };
        }
        if prior_games <= 0.0 {
            centre(&mut next);
        }
        for i in 0..n {
            change = change.max((next[i].ln() - p[i].ln()).abs());
        }
        p = next;
        if change < TOLERANCE {
            break;
        }
    }
    p.iter().map(|&x| BASE + SCALE * x.log10()).collect()
}

fn add(list: &mut Vec<(usize, f64)>, j: usize) {
    match list.iter_mut().find(|(k, _)| *k == j) {
        Some((_, c)) => *c += 1.0,
        None => list.push((j, 1.0)),
    }
}

/// Scale so that the geometric mean is 1.
fn centre(p: &mut [f64]) {
    if p.is_empty() {
        return;
    }
    let mean = p.iter().map(|x| x.ln()).sum::<f64>() / p.len() as f64;
    let k = (-mean).exp();
    for x in p.iter_mut() {
        *x *= k;
    }
}

/// The probability that a model rated `a` is preferred to one rated `b`.
pub fn expected(a: f64, b: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((b - a) / SCALE))
}
