//! The AIR API: constraints over the local and next rows of a trace, with first-row,
//! last-row and transition selectors, public values, preprocessed (fixed) columns, and
//! lookups between tables (logUp): a table sends or receives tuples of linear combinations of
//! its columns with a multiplicity, and the sends and receives of every bus must balance
//! across the tables of one proof.

use carbide_field::{Field, Goldilocks, GoldilocksExt2, Kernel, PackedField, PackedGoldilocks};

/// The extension field: challenges, and values at the out-of-domain point.
pub type Ext = GoldilocksExt2;

/// Eight base-field values in SIMD lanes: the prover's constraint evaluations, eight points of
/// the extension domain at once.
pub type Packed = PackedGoldilocks;

/// What constraints compute with: [`Ext`] (the verifier at ζ, and the prover where an AIR
/// gives only [`Air::eval`]) or [`Packed`] (the prover, through [`Air::eval_packed`]).
pub trait Value:
    Copy
    + Send
    + Sync
    + From<Goldilocks>
    + core::ops::Add<Output = Self>
    + core::ops::Sub<Output = Self>
    + core::ops::Mul<Output = Self>
{
}

impl<T> Value for T where
    T: Copy
        + Send
        + Sync
        + From<Goldilocks>
        + core::ops::Add<Output = T>
        + core::ops::Sub<Output = T>
        + core::ops::Mul<Output = T>
{
}

/// Σ limbs\[i\]·256^i: a little-endian number from its bytes. A loop, not an iterator fold:
/// folds and closures the compiler keeps out of line are built without the SIMD kernel's
/// vector instructions.
#[inline(always)]
pub fn bytes_le<V: Value>(limbs: &[V]) -> V {
    let mut acc = V::from(Goldilocks::ZERO);
    for (i, &b) in limbs.iter().enumerate() {
        acc = acc + b * V::from(Goldilocks::new(1 << (8 * i)));
    }
    acc
}

/// Where constraints go, by the rows they hold on. An AIR written against `Fold<V>` for any
/// [`Value`] serves both [`Air::eval`] and [`Air::eval_packed`].
pub trait Fold<V> {
    /// `c = 0` on the first row.
    fn first_row(&mut self, c: V);
    /// `c = 0` on the last row.
    fn last_row(&mut self, c: V);
    /// `c = 0` on every row but the last (it relates a row to the next).
    fn transition(&mut self, c: V);
    /// `c = 0` on every row.
    fn every_row(&mut self, c: V);
}

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
    /// The largest degree of a first- or last-row constraint; by default
    /// [`Self::constraint_degree`]. The quotient needs d − 1 chunks for every-row and
    /// transition constraints of degree d but d for boundary ones (their selector divides by a
    /// single root, not by the whole subgroup), so declaring low-degree boundaries saves a
    /// chunk.
    fn boundary_degree(&self) -> usize {
        self.constraint_degree()
    }
    /// Adds every constraint on the row pair `frame` to `out`.
    fn eval(&self, frame: &Frame<'_>, public: &[Goldilocks], out: &mut Constraints);

    /// The same constraints, in the same order, on eight points of the base field at once;
    /// `false` where the AIR does not give this fast path (the prover then calls
    /// [`Self::eval`] point by point). Write the constraints once, generic over [`Value`] and
    /// [`Fold`], and call them from both methods.
    fn eval_packed(
        &self,
        frame: &Frame<'_, Packed>,
        public: &[Goldilocks],
        out: &mut PackedConstraints,
    ) -> bool {
        let _ = (frame, public, out);
        false
    }

    /// Preprocessed columns: fixed by the AIR, committed by prover and verifier alike.
    fn preprocessed_width(&self) -> usize {
        0
    }

    /// The preprocessed columns for 2^log_rows rows, row-major; `None` where the AIR has no
    /// such size.
    fn preprocessed(&self, log_rows: u32) -> Option<Vec<Goldilocks>> {
        let _ = log_rows;
        (self.preprocessed_width() == 0).then(Vec::new)
    }

    /// The lookups this table takes part in.
    fn lookups(&self) -> Vec<Lookup> {
        Vec::new()
    }
}

/// A column a lookup reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// A trace column.
    Main(usize),
    /// A preprocessed column.
    Preprocessed(usize),
}

/// `constant + Σ coefficient·column`, over one row.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Linear {
    /// The terms.
    pub terms: Vec<(Column, Goldilocks)>,
    /// The constant.
    pub constant: Goldilocks,
}

impl Linear {
    /// One column.
    pub fn column(c: Column) -> Self {
        Self {
            terms: vec![(c, Goldilocks::ONE)],
            constant: Goldilocks::ZERO,
        }
    }

    /// A constant.
    pub fn constant(c: Goldilocks) -> Self {
        Self {
            terms: Vec::new(),
            constant: c,
        }
    }

    /// Its value on a row (main and preprocessed values of any type a base element scales).
    /// Always inlined: out of line, the SIMD kernels' copy is built without their vector
    /// instructions.
    #[inline(always)]
    pub fn eval<T>(&self, main: &[T], preprocessed: &[T]) -> T
    where
        T: Copy + From<Goldilocks> + core::ops::Add<Output = T> + core::ops::Mul<Output = T>,
    {
        let mut acc = T::from(self.constant);
        for &(c, k) in &self.terms {
            let v = match c {
                Column::Main(i) => main[i],
                Column::Preprocessed(i) => preprocessed[i],
            };
            acc = acc + v * T::from(k);
        }
        acc
    }

    fn negated(mut self) -> Self {
        self.constant = -self.constant;
        for t in &mut self.terms {
            t.1 = -t.1;
        }
        self
    }
}

/// One lookup of a table: on every row, the tuple `values` goes on bus `bus` with
/// `multiplicity` (negative for a receive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// Which relation (tables that must agree use the same bus).
    pub bus: u32,
    /// The tuple.
    pub values: Vec<Linear>,
    /// How many times per row (signed).
    pub multiplicity: Linear,
}

impl Lookup {
    /// Puts `values` on `bus`, `multiplicity` times per row.
    pub fn send(bus: u32, values: Vec<Linear>, multiplicity: Linear) -> Self {
        Self {
            bus,
            values,
            multiplicity,
        }
    }

    /// Takes `values` off `bus`, `multiplicity` times per row.
    pub fn receive(bus: u32, values: Vec<Linear>, multiplicity: Linear) -> Self {
        Self {
            bus,
            values,
            multiplicity: multiplicity.negated(),
        }
    }

    /// The lookup as field elements (what the transcript binds): bus, tuple length, then each
    /// linear combination (constant, term count, then kind, index and coefficient per term).
    pub fn encode(&self, out: &mut Vec<Goldilocks>) {
        let g = |x: usize| Goldilocks::new(x as u64);
        out.extend([g(self.bus as usize), g(self.values.len())]);
        for lc in self.values.iter().chain([&self.multiplicity]) {
            out.extend([lc.constant, g(lc.terms.len())]);
            for &(c, k) in &lc.terms {
                let (kind, i) = match c {
                    Column::Main(i) => (0, i),
                    Column::Preprocessed(i) => (1, i),
                };
                out.extend([g(kind), g(i), k]);
            }
        }
    }

    /// Whether every column it reads exists.
    pub fn fits(&self, width: usize, preprocessed_width: usize) -> bool {
        self.values
            .iter()
            .chain([&self.multiplicity])
            .flat_map(|lc| &lc.terms)
            .all(|&(c, _)| match c {
                Column::Main(i) => i < width,
                Column::Preprocessed(i) => i < preprocessed_width,
            })
    }
}

/// The rows a constraint sees.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a, V = Ext> {
    /// This row.
    pub local: &'a [V],
    /// The next row (the first row, for the last).
    pub next: &'a [V],
    /// This row's preprocessed columns.
    pub preprocessed: &'a [V],
    /// The next row's preprocessed columns.
    pub preprocessed_next: &'a [V],
}

/// Constraints folded with powers of a random α, by the rows they hold on.
#[derive(Clone, Debug)]
pub struct Constraints {
    alpha: Ext,
    /// α^0, α^1, … as far as constraints have been added (kept across [`Self::reset`]).
    powers: Vec<Ext>,
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
            powers: vec![Ext::ONE],
            count: 0,
            first: Ext::ZERO,
            last: Ext::ZERO,
            transition: Ext::ZERO,
            every: Ext::ZERO,
        }
    }

    fn next(&mut self, c: Ext) -> Ext {
        if self.count == self.powers.len() {
            let last = self.powers[self.count - 1];
            self.powers.push(last * self.alpha);
        }
        let t = self.powers[self.count] * c;
        self.count += 1;
        t
    }

    /// Empties the fold for the next point, keeping the powers of α computed so far.
    pub fn reset(&mut self) {
        self.count = 0;
        self.first = Ext::ZERO;
        self.last = Ext::ZERO;
        self.transition = Ext::ZERO;
        self.every = Ext::ZERO;
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

impl Fold<Ext> for Constraints {
    fn first_row(&mut self, c: Ext) {
        Constraints::first_row(self, c);
    }

    fn last_row(&mut self, c: Ext) {
        Constraints::last_row(self, c);
    }

    fn transition(&mut self, c: Ext) {
        Constraints::transition(self, c);
    }

    fn every_row(&mut self, c: Ext) {
        Constraints::every_row(self, c);
    }
}

/// [`Constraints`] on eight base-field points at once: each fold is two packed base sums
/// (the coordinates of α^i times a base value).
#[derive(Clone, Debug)]
pub struct PackedConstraints {
    alpha: Ext,
    /// α^i's coordinates, broadcast.
    powers: Vec<[Packed; 2]>,
    next_power: Ext,
    count: usize,
    /// The folds (first, last, transition, every), two coordinates each.
    pub sums: [[Packed; 2]; 4],
}

impl PackedConstraints {
    /// An empty fold with challenge `alpha`.
    pub fn new(alpha: Ext) -> Self {
        Self {
            alpha,
            powers: Vec::new(),
            next_power: Ext::ONE,
            count: 0,
            sums: [[Packed::default(); 2]; 4],
        }
    }

    /// Empties the fold for the next eight points.
    pub fn reset(&mut self) {
        self.count = 0;
        self.sums = [[Packed::default(); 2]; 4];
    }

    /// How many constraints were added.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The next power of α, broadcast.
    #[inline(always)]
    fn power(&mut self) -> [Packed; 2] {
        if self.count == self.powers.len() {
            let p = self.next_power;
            self.powers
                .push([Packed::broadcast(p.0[0]), Packed::broadcast(p.0[1])]);
            self.next_power = p * self.alpha;
        }
        self.count += 1;
        self.powers[self.count - 1]
    }

    #[inline(always)]
    fn add(&mut self, kind: usize, c: Packed) {
        let [re, im] = self.power();
        let s = &mut self.sums[kind];
        s[0] = s[0] + re * c;
        s[1] = s[1] + im * c;
    }

    /// An extension-valued constraint, as coordinates.
    #[inline(always)]
    fn add_ext(&mut self, kind: usize, c: [Packed; 2]) {
        let t = super::lookup::mul_pair(self.power(), c);
        let s = &mut self.sums[kind];
        s[0] = s[0] + t[0];
        s[1] = s[1] + t[1];
    }

    /// An extension-valued `c = 0` on the first row.
    #[inline(always)]
    pub(super) fn first_row_ext(&mut self, c: [Packed; 2]) {
        self.add_ext(0, c);
    }

    /// … on the last row.
    #[inline(always)]
    pub(super) fn last_row_ext(&mut self, c: [Packed; 2]) {
        self.add_ext(1, c);
    }

    /// … on every row but the last.
    #[inline(always)]
    pub(super) fn transition_ext(&mut self, c: [Packed; 2]) {
        self.add_ext(2, c);
    }

    /// … on every row.
    #[inline(always)]
    pub(super) fn every_row_ext(&mut self, c: [Packed; 2]) {
        self.add_ext(3, c);
    }
}

impl Fold<Packed> for PackedConstraints {
    #[inline(always)]
    fn first_row(&mut self, c: Packed) {
        self.add(0, c);
    }

    #[inline(always)]
    fn last_row(&mut self, c: Packed) {
        self.add(1, c);
    }

    #[inline(always)]
    fn transition(&mut self, c: Packed) {
        self.add(2, c);
    }

    #[inline(always)]
    fn every_row(&mut self, c: Packed) {
        self.add(3, c);
    }
}

/// Constraints written once, generic over the [`Value`] they compute with: an AIR
/// implementing this gets its [`Air::eval`] and [`Air::eval_packed`] from
/// [`eval_with`] and [`eval_packed_with`]. Mark the method `#[inline(always)]` (and what it
/// calls): it is then compiled inside the SIMD-enabled kernel.
pub trait GenericAir {
    /// Adds every constraint on the row pair `frame` to `out`.
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        frame: &Frame<'_, V>,
        public: &[Goldilocks],
        out: &mut F,
    );
}

/// [`Air::eval`] from [`GenericAir::constraints`].
pub fn eval_with<A: GenericAir + ?Sized>(
    air: &A,
    frame: &Frame<'_>,
    public: &[Goldilocks],
    out: &mut Constraints,
) {
    air.constraints(frame, public, out);
}

/// [`Air::eval_packed`] from [`GenericAir::constraints`], run with the widest vector
/// instructions the CPU has.
pub fn eval_packed_with<A: GenericAir + ?Sized>(
    air: &A,
    frame: &Frame<'_, Packed>,
    public: &[Goldilocks],
    out: &mut PackedConstraints,
) -> bool {
    Packed::vectorized(PackedKernel {
        air,
        frame,
        public,
        out,
    });
    true
}

struct PackedKernel<'a, 'b, A: ?Sized> {
    air: &'a A,
    frame: &'a Frame<'b, Packed>,
    public: &'a [Goldilocks],
    out: &'a mut PackedConstraints,
}

impl<A: GenericAir + ?Sized> Kernel for PackedKernel<'_, '_, A> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.air.constraints(self.frame, self.public, self.out);
    }
}

/// The two evaluation methods of an [`Air`](crate::stark::Air) whose constraints are a
/// [`GenericAir`](crate::stark::GenericAir): write
/// `carbide_prover::generic_evals!();` inside `impl Air for …`.
#[macro_export]
macro_rules! generic_evals {
    () => {
        fn eval(
            &self,
            frame: &$crate::stark::Frame<'_>,
            public: &[$crate::stark::Goldilocks],
            out: &mut $crate::stark::Constraints,
        ) {
            $crate::stark::eval_with(self, frame, public, out);
        }

        fn eval_packed(
            &self,
            frame: &$crate::stark::Frame<'_, $crate::stark::Packed>,
            public: &[$crate::stark::Goldilocks],
            out: &mut $crate::stark::PackedConstraints,
        ) -> bool {
            $crate::stark::eval_packed_with(self, frame, public, out)
        }
    };
}

/// Runs `f` compiled for the widest vector instructions this CPU has (keep `f` small, calling
/// `#[inline(always)]` functions: a large closure is compiled on its own, without them).
#[inline(always)]
pub fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    Packed::vectorized(f)
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

    crate::generic_evals!();
}

impl GenericAir for FibonacciAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        public: &[Goldilocks],
        out: &mut F,
    ) {
        let p = |i: usize| V::from(public[i]);
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

    #[inline(always)]
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

    crate::generic_evals!();
}

impl GenericAir for WideAir {
    #[inline(always)]
    fn constraints<V: Value, F: Fold<V>>(
        &self,
        f: &Frame<'_, V>,
        public: &[Goldilocks],
        out: &mut F,
    ) {
        for j in (0..self.width).step_by(2) {
            let (a, b) = (f.local[j], f.local[j + 1]);
            out.first_row(a - V::from(public[j]));
            out.first_row(b - V::from(public[j + 1]));
            out.transition(f.next[j] - b);
            out.transition(f.next[j + 1] - self.step(a, b));
        }
    }
}
