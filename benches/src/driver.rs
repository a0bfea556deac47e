//! The interleaved race driver shared by `race` and `carbide bench`: each round runs every
//! contender of a race for one short burst (alternating the order), so a noisy neighbour slows
//! both sides of the same round; the result is each contender's median time and the median over
//! rounds of the per-round ratio peer/carbide (above 1: carbide is faster), with its quartiles.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::{Contender, Race};

/// How long and how often to race.
#[derive(Clone, Debug)]
pub struct Options {
    /// Rounds per race (the medians are over these).
    pub rounds: usize,
    /// Target milliseconds per burst.
    pub burst_ms: f64,
    /// Only races whose group contains this.
    pub filter: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rounds: 31,
            burst_ms: 20.0,
            filter: None,
        }
    }
}

impl Options {
    /// Applies `--rounds N`, `--burst-ms MS` or `--filter S` (`value` yields the argument);
    /// `Ok(false)` if `flag` is none of them.
    pub fn apply_flag(
        &mut self,
        flag: &str,
        value: impl FnOnce() -> Result<String, String>,
    ) -> Result<bool, String> {
        match flag {
            "--rounds" => {
                self.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?;
                if self.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--burst-ms" => {
                self.burst_ms = value()?.parse().map_err(|e| format!("--burst-ms: {e}"))?;
                if !self.burst_ms.is_finite() || self.burst_ms <= 0.0 {
                    return Err("--burst-ms must be positive".into());
                }
            }
            "--filter" => self.filter = Some(value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// One contender's figures.
#[derive(Clone, Debug)]
pub struct ContenderResult {
    /// Its name (`carbide…` for ours).
    pub name: &'static str,
    /// Seconds per run, one per round.
    pub samples_s: Vec<f64>,
    /// Median seconds per run.
    pub median_s: f64,
    /// Quartiles and median of the per-round ratio this / carbide (1 for carbide itself).
    pub ratio: [f64; 3],
    /// Runs per burst.
    pub runs_per_burst: u64,
}

/// One race's figures.
#[derive(Clone, Debug)]
pub struct RaceResult {
    /// The workload.
    pub group: &'static str,
    /// Field elements per run.
    pub elements: u64,
    /// carbide first, then the others.
    pub contenders: Vec<ContenderResult>,
}

impl RaceResult {
    /// The peer: the first contender not named `carbide…`.
    pub fn peer(&self) -> Option<&ContenderResult> {
        self.contenders
            .iter()
            .find(|c| !c.name.starts_with("carbide"))
    }

    /// carbide's contender.
    pub fn ours(&self) -> Option<&ContenderResult> {
        self.contenders.iter().find(|c| c.name == "carbide")
    }
}

/// Seconds for `iters` runs.
fn time(c: &mut Contender, iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        (c.run)();
    }
    black_box(start.elapsed().as_secs_f64())
}

/// Runs per burst so that one burst takes about `burst` seconds (after a warm-up).
fn calibrate(c: &mut Contender, burst: f64) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = time(c, iters);
        if t >= burst / 4.0 || iters >= 1 << 30 {
            return ((iters as f64 * burst / t.max(1e-9)).ceil() as u64).max(1);
        }
        iters *= 2;
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Races every selected race, calling `done` as each finishes.
pub fn run(races: Vec<Race>, opts: &Options, mut done: impl FnMut(&RaceResult)) -> Vec<RaceResult> {
    let burst = opts.burst_ms / 1e3;
    let rounds = opts.rounds.max(1);
    let mut results = Vec::new();
    for mut race in races {
        if opts
            .filter
            .as_ref()
            .is_some_and(|f| !race.group.contains(f.as_str()))
        {
            continue;
        }
        let iters: Vec<u64> = race
            .contenders
            .iter_mut()
            .map(|c| calibrate(c, burst))
            .collect();
        let k = race.contenders.len();
        let mut samples = vec![Vec::with_capacity(rounds); k];
        for round in 0..rounds {
            let order: Vec<usize> = if round % 2 == 0 {
                (0..k).collect()
            } else {
                (0..k).rev().collect()
            };
            for i in order {
                samples[i].push(time(&mut race.contenders[i], iters[i]) / iters[i] as f64);
            }
        }
        let base = race
            .contenders
            .iter()
            .position(|c| c.name == "carbide")
            .unwrap_or(0);
        let contenders = race
            .contenders
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ratios = sorted(
                    samples[i]
                        .iter()
                        .zip(&samples[base])
                        .map(|(peer, ours)| peer / ours)
                        .collect(),
                );
                ContenderResult {
                    name: c.name,
                    median_s: quantile(&sorted(samples[i].clone()), 0.5),
                    ratio: [0.25, 0.5, 0.75].map(|q| quantile(&ratios, q)),
                    samples_s: samples[i].clone(),
                    runs_per_burst: iters[i],
                }
            })
            .collect();
        let result = RaceResult {
            group: race.group,
            elements: race.elements,
            contenders,
        };
        done(&result);
        results.push(result);
    }
    results
}

/// What the figures depend on beyond the code: rayon's thread count and the instruction set
/// carbide's packed Goldilocks runs with.
pub fn machine() -> (usize, &'static str) {
    (rayon::current_num_threads(), carbide_field::simd_level())
}

/// `1.234 ms` and the like.
pub fn fmt_time(s: f64) -> String {
    match s {
        s if s >= 1.0 => format!("{s:.3} s"),
        s if s >= 1e-3 => format!("{:.3} ms", s * 1e3),
        s if s >= 1e-6 => format!("{:.3} µs", s * 1e6),
        s => format!("{:.2} ns", s * 1e9),
    }
}

/// The JSON document researchers get: the settings, the machine's thread count, the commit,
/// and every sample.
pub fn to_json(tool: &str, suite: &str, opts: &Options, results: &[RaceResult]) -> Value {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let races: Vec<Value> = results
        .iter()
        .map(|r| {
            let contenders: Vec<Value> = r
                .contenders
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "median_s": c.median_s,
                        "median_per_element_s": c.median_s / r.elements as f64,
                        "elements_per_s": r.elements as f64 / c.median_s,
                        "samples_s": c.samples_s,
                        "ratio_over_carbide": { "p25": c.ratio[0], "median": c.ratio[1], "p75": c.ratio[2] },
                        "runs_per_burst": c.runs_per_burst,
                    })
                })
                .collect();
            json!({ "race": r.group, "elements": r.elements, "contenders": contenders })
        })
        .collect();
    let (threads, simd) = machine();
    json!({
        "tool": tool,
        "suite": suite,
        "commit": commit,
        "threads": threads,
        "simd": simd,
        "rounds": opts.rounds,
        "burst_ms": opts.burst_ms,
        "statistic": "median over rounds; ratio = median of per-round peer/carbide",
        "unix_time": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .ok(),
        "races": races,
    })
}

/// A horizontal bar chart of each race's median ratio peer/carbide, with its quartiles as a
/// whisker and a line at 1× (parity).
pub fn svg_chart(title: &str, results: &[RaceResult]) -> String {
    let rows: Vec<(&str, [f64; 3], &str)> = results
        .iter()
        .filter_map(|r| r.peer().map(|p| (r.group, p.ratio, p.name)))
        .collect();
    let (label_w, bar_w, row_h, top) = (300.0, 420.0, 28.0, 48.0);
    let max = rows
        .iter()
        .map(|r| r.1[2])
        .fold(1.0f64, f64::max)
        .ceil()
        .max(2.0);
    let x = |v: f64| label_w + v / max * bar_w;
    let height = top + rows.len() as f64 * row_h + 40.0;
    let width = label_w + bar_w + 80.0;
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
        esc(title)
    );
    for (i, (group, [p25, p50, p75], peer)) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        svg += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} (vs {})</text>\n\
             <rect x=\"{label_w}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"#3b7dd8\"/>\n\
             <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"black\"/>\n\
             <text x=\"{:.1}\" y=\"{}\">{p50:.2}×</text>\n",
            label_w - 8.0,
            y + 17.0,
            esc(group),
            esc(peer),
            y + 4.0,
            x(*p50) - label_w,
            row_h - 8.0,
            x(*p25),
            x(*p75),
            y + row_h / 2.0,
            y + row_h / 2.0,
            x(p75.max(*p50)) + 6.0,
            y + 18.0,
        );
    }
    let bottom = top + rows.len() as f64 * row_h;
    svg += &format!(
        "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n\
         <text x=\"{0:.1}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#c33\">1× (parity)</text>\n\
         <text x=\"{label_w}\" y=\"{4}\">peer time / carbide time, median of interleaved rounds (whisker: quartiles)</text>\n</svg>\n",
        x(1.0),
        top - 4.0,
        bottom,
        bottom + 16.0,
        bottom + 34.0,
    );
    svg
}

/// Writes `contents` to `path`, creating its directory.
pub fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, contents)
}
