//! The AIR API: constraints over the local and next rows of a trace, with first-row,
//! last-row and transition selectors, and public values.

use carbide_field::{Field, Goldilocks, GoldilocksExt2};

/// Values are evaluated in the extension field: at trace points (base values embedded) by the
/// prover and at the out-of-domain point by the verifier, with one constraint code.
pub type Ext = GoldilocksExt2;

/// An algebraic intermediate representation: a trace of `width` columns and constraints of
/// degree at most `constraint_degree` in the trace values.
pub trait Air: Sync {
    /// The AIR's name (part of what the transcript binds).
    fn name(&self) -> &str;
    /// Columns of the trace.
    fn width(&self) -> usize;
    /// Public values the constraints read.
    fn num_public_values(&self) -> usize;
    /// The largest degree of a constraint in the trace values (at least 1).
    fn constraint_degree(&self) -> usize;
    /// Adds every constraint on the row pair `frame` to `out`.
    fn eval(&self, frame: &Frame<'_>, public: &[Goldilocks], out: &mut Constraints);
}

/// The rows a constraint sees.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// This row.
    pub local: &'a [Ext],
    /// The next row (the first row, for the last).
    pub next: &'a [Ext],
}

/// Constraints folded with powers of a random α, by the rows they hold on.
#[derive(Clone, Debug)]
pub struct Constraints {
    alpha: Ext,
    power: Ext,
    count: usize,
    /// Σ α^i·c_i over first-row constraints.
    pub first: Ext,
    /// … last-row constraints.
    pub last: Ext,
    /// … transition constraints (every row but the last).
    pub transition: Ext,
    /// … constraints on every row.
    pub every: Ext,
}

impl Constraints {
    /// An empty fold with challenge `alpha`.
    pub fn new(alpha: Ext) -> Self {
        Self {
            alpha,
            power: Ext::ONE,
            count: 0,
            first: Ext::ZERO,
            last: Ext::ZERO,
            transition: Ext::ZERO,
            every: Ext::ZERO,
        }
    }

    fn next(&mut self, c: Ext) -> Ext {
        let t = self.power * c;
        self.power *= self.alpha;
        self.count += 1;
        t
    }

    /// `c = 0` on the first row.
    pub fn first_row(&mut self, c: Ext) {
        let t = self.next(c);
        self.first += t;
    }

    /// `c = 0` on the last row.
    pub fn last_row(&mut self, c: Ext) {
        let t = self.next(c);
        self.last += t;
    }

    /// `c = 0` on every row but the last (it relates a row to the next).
    pub fn transition(&mut self, c: Ext) {
        let t = self.next(c);
        self.transition += t;
    }

    /// `c = 0` on every row.
    pub fn every_row(&mut self, c: Ext) {
        let t = self.next(c);
        self.every += t;
    }

    /// How many constraints were added.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// The Fibonacci AIR: two columns (a, b) → (b, a + b), public values the first row (a, b)
/// and the last b.
#[derive(Clone, Copy, Debug, Default)]
pub struct FibonacciAir;

impl Air for FibonacciAir {
    fn name(&self) -> &str {
        "fib"
    }

    fn width(&self) -> usize {
        2
    }

    fn num_public_values(&self) -> usize {
        3
    }

    fn constraint_degree(&self) -> usize {
        1
    }

    fn eval(&self, f: &Frame<'_>, public: &[Goldilocks], out: &mut Constraints) {
        let p = |i: usize| Ext::from(public[i]);
        out.first_row(f.local[0] - p(0));
        out.first_row(f.local[1] - p(1));
        out.transition(f.next[0] - f.local[1]);
        out.transition(f.next[1] - (f.local[0] + f.local[1]));
        out.last_row(f.local[1] - p(2));
    }
}

impl FibonacciAir {
    /// The trace of 2^log_rows rows from (a, b), and its public values.
    pub fn trace(a: u64, b: u64, log_rows: u32) -> (Vec<Goldilocks>, Vec<Goldilocks>) {
        let n = 1usize << log_rows;
        let mut t = Vec::with_capacity(2 * n);
        let (mut x, mut y) = (Goldilocks::new(a), Goldilocks::new(b));
        for _ in 0..n {
            t.extend([x, y]);
            (x, y) = (y, x + y);
        }
        let public = vec![t[0], t[1], t[2 * n - 1]];
        (t, public)
    }
}

/// Wide AIRs of `width` columns in pairs, each pair's first row public: degree 2,
/// (a, b) → (b, a·b + a), the AIR raced against starky ("wide-fib"); degree 3,
/// (a, b) → (b, a·b² + a) ("wide-cubic").
#[derive(Clone, Copy, Debug)]
pub struct WideAir {
    /// Columns (even).
    pub width: usize,
    /// 2 or 3.
    pub degree: usize,
}

impl WideAir {
    /// starky's comparison AIR.
    pub fn fib(width: usize) -> Self {
        Self { width, degree: 2 }
    }

    /// The degree-3 variant.
    pub fn cubic(width: usize) -> Self {
        Self { width, degree: 3 }
    }

    fn step<T: Copy + core::ops::Mul<Output = T> + core::ops::Add<Output = T>>(
        &self,
        a: T,
        b: T,
    ) -> T {
        if self.degree >= 3 {
            a * b * b + a
        } else {
            a * b + a
        }
    }

    /// A trace of 2^log_rows rows from pseudo-random first rows, and its public values.
    pub fn trace(&self, log_rows: u32, seed: u64) -> (Vec<Goldilocks>, Vec<Goldilocks>) {
        let n = 1usize << log_rows;
        let mut row: Vec<Goldilocks> = (0..self.width as u64)
            .map(|j| {
                Goldilocks::new(
                    seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                        .wrapping_add(j * 7919),
                )
            })
            .collect();
        let public = row.clone();
        let mut t = Vec::with_capacity(self.width * n);
        for _ in 0..n {
            t.extend_from_slice(&row);
            for j in (0..self.width).step_by(2) {
                let (a, b) = (row[j], row[j + 1]);
                row[j] = b;
                row[j + 1] = self.step(a, b);
            }
        }
        (t, public)
    }
}

impl Air for WideAir {
    fn name(&self) -> &str {
        if self.degree >= 3 {
            "wide-cubic"
        } else {
            "wide-fib"
        }
    }

    fn width(&self) -> usize {
        self.width
    }

    fn num_public_values(&self) -> usize {
        self.width
    }

    fn constraint_degree(&self) -> usize {
        self.degree.max(2)
    }

    fn eval(&self, f: &Frame<'_>, public: &[Goldilocks], out: &mut Constraints) {
        for j in (0..self.width).step_by(2) {
            let (a, b) = (f.local[j], f.local[j + 1]);
            out.first_row(a - Ext::from(public[j]));
            out.first_row(b - Ext::from(public[j + 1]));
            out.transition(f.next[j] - b);
            out.transition(f.next[j + 1] - self.step(a, b));
        }
    }
}
