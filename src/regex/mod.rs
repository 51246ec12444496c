//! libdm's regular expressions (`dm_regex_*`): a set of patterns compiled
//! into one lazily built DFA that says which pattern matches a string.
//!
//! The dialect: `.` (any byte but NUL, `\n`, `\r`), `[...]` and `[^...]`
//! with ranges and `\n \r \t` escapes, `\c` for a literal byte, `^` and `$`
//! (matched by the pseudo-bytes 2 and 3 fed before and after the input),
//! `*`, `+`, `?`, `|` and parentheses. Matching is unanchored: pattern `i`
//! is compiled as `.*(pattern)` followed by an end marker numbered `i + 1`,
//! and a string matches the highest-numbered pattern whose end marker is
//! reachable while reading it.
//!
//! The automaton is built the way libdm builds it (the same parse tree,
//! the same prefix-lifting optimiser, the same position sets), so that
//! [`Regex::fingerprint`] gives the C library's value for the same patterns.

use std::collections::{HashMap, VecDeque};

/// Start-of-string pseudo byte (`^`).
const HAT_CHAR: u8 = 2;
/// End-of-string pseudo byte (`$`).
const DOLLAR_CHAR: u8 = 3;
/// The byte that ends each pattern in the combined expression.
const TARGET_TRANS: u8 = 0;

/// Why patterns did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegexError {
    /// The combined expression did not parse; the C library's messages
    /// (already logged) say where.
    #[error("Couldn't parse regex")]
    Parse,
}

/// A set of 256 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn set(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }
    fn clear(&mut self, b: u8) {
        self.0[(b >> 6) as usize] &= !(1 << (b & 63));
    }
    fn has(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
    fn all() -> ByteSet {
        ByteSet([u64::MAX; 4])
    }
    fn single(b: u8) -> ByteSet {
        let mut s = ByteSet::default();
        s.set(b);
        s
    }
}

/// A set of positions (charset leaves), as a bit vector.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64).max(1)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn union_with(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= *b;
        }
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + b)
            })
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Cat,
    Star,
    Plus,
    Or,
    Quest,
    Charset,
}

#[derive(Clone)]
struct Node {
    kind: Kind,
    charset: ByteSet,
    left: Option<usize>,
    right: Option<usize>,
}

/// Tokens of the pattern language.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Charset,
    Special(u8),
    End,
}

/// The recursive-descent parser over the combined expression.
struct Parser<'a> {
    src: &'a [u8],
    cursor: usize,
    tok: Tok,
    charset: ByteSet,
    nodes: Vec<Node>,
}

impl Parser<'_> {
    fn node(&mut self, kind: Kind, left: Option<usize>, right: Option<usize>) -> usize {
        self.nodes.push(Node { kind, charset: ByteSet::default(), left, right });
        self.nodes.len() - 1
    }

    fn single(&mut self, b: u8, at: usize) {
        self.tok = Tok::Charset;
        self.cursor = at + 1;
        self.charset = ByteSet::single(b);
    }

    fn escaped(b: u8) -> u8 {
        match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            other => other,
        }
    }

    /// Loads the next token; false at the end or on an error.
    fn next(&mut self) -> bool {
        let src = self.src;
        let end = src.len();
        let mut p = self.cursor;
        if p == end {
            self.tok = Tok::End;
            return false;
        }
        match src[p] {
            b'[' => {
                p += 1;
                let neg = p < end && src[p] == b'^';
                if neg {
                    self.charset = ByteSet::all();
                    self.charset.clear(0);
                    p += 1;
                } else {
                    self.charset = ByteSet::default();
                }
                let mut last: u8 = 0;
                while p < end && src[p] != b']' {
                    let mut range = false;
                    let c;
                    if src[p] == b'\\' {
                        p += 1;
                        c = Self::escaped(if p < end { src[p] } else { 0 });
                    } else if src[p] == b'-' && last != 0 {
                        range = true;
                        p += 1;
                        if p == end {
                            crate::log_error!("Incomplete rangespecification");
                            self.tok = Tok::End;
                            return false;
                        }
                        c = src[p];
                    } else {
                        c = src[p];
                    }
                    if range {
                        let (lo, hi) = if last > c { (c, last) } else { (last, c) };
                        for b in lo..=hi {
                            if neg {
                                self.charset.clear(b);
                            } else {
                                self.charset.set(b);
                            }
                        }
                    } else if neg {
                        self.charset.clear(c);
                    } else {
                        self.charset.set(c);
                    }
                    p += 1;
                    last = c;
                }
                if p >= end {
                    self.tok = Tok::End;
                    return false;
                }
                self.tok = Tok::Charset;
                self.cursor = p + 1;
            }
            c @ (b'(' | b')' | b'*' | b'+' | b'?' | b'|') => {
                self.tok = Tok::Special(c);
                self.cursor = p + 1;
            }
            b'^' => self.single(HAT_CHAR, p),
            b'$' => self.single(DOLLAR_CHAR, p),
            b'.' => {
                self.tok = Tok::Charset;
                self.cursor = p + 1;
                self.charset = ByteSet::all();
                self.charset.clear(b'\n');
                self.charset.clear(b'\r');
                self.charset.clear(0);
            }
            b'\\' => {
                p += 1;
                if p >= end {
                    crate::log_error!("Badly quoted character at end of expression");
                    self.tok = Tok::End;
                    return false;
                }
                let c = Self::escaped(src[p]);
                self.single(c, p);
            }
            c => self.single(c, p),
        }
        true
    }

    fn term(&mut self) -> Option<usize> {
        match self.tok {
            Tok::Charset => {
                let n = self.node(Kind::Charset, None, None);
                self.nodes[n].charset = self.charset;
                self.next();
                Some(n)
            }
            Tok::Special(b'(') => {
                self.next();
                let n = self.or_term();
                if self.tok != Tok::Special(b')') {
                    crate::log_error!("missing ')' in regular expression");
                    return None;
                }
                self.next();
                n
            }
            _ => None,
        }
    }

    fn closure_term(&mut self) -> Option<usize> {
        let mut l = self.term()?;
        loop {
            let kind = match self.tok {
                Tok::Special(b'*') => Kind::Star,
                Tok::Special(b'+') => Kind::Plus,
                Tok::Special(b'?') => Kind::Quest,
                _ => return Some(l),
            };
            l = self.node(kind, Some(l), None);
            self.next();
        }
    }

    fn cat_term(&mut self) -> Option<usize> {
        let l = self.closure_term()?;
        if self.tok == Tok::Special(b'|') {
            return Some(l);
        }
        match self.cat_term() {
            None => Some(l),
            Some(r) => Some(self.node(Kind::Cat, Some(l), Some(r))),
        }
    }

    fn or_term(&mut self) -> Option<usize> {
        let l = self.cat_term()?;
        if self.tok != Tok::Special(b'|') {
            return Some(l);
        }
        self.next();
        match self.or_term() {
            None => {
                crate::log_error!("Badly formed 'or' expression");
                None
            }
            Some(r) => Some(self.node(Kind::Or, Some(l), Some(r))),
        }
    }

    // ---- the optimiser: lift a common prefix (or suffix) out of an 'or' ----
    // `lm` (leftmost) true looks for prefixes; false mirrors every step to
    // look for suffixes, as libdm does.

    fn side(&self, n: usize, lm: bool) -> Option<usize> {
        if lm {
            self.nodes[n].left
        } else {
            self.nodes[n].right
        }
    }

    fn other(&self, n: usize, lm: bool) -> Option<usize> {
        self.side(n, !lm)
    }

    fn depth(&self, mut r: usize, lm: bool) -> usize {
        let mut count = 1;
        while self.nodes[r].kind != Kind::Charset && (lm || self.nodes[r].kind != Kind::Or) {
            match self.side(r, lm) {
                Some(n) => {
                    count += 1;
                    r = n;
                }
                None => break,
            }
        }
        count
    }

    fn equal(&self, l: usize, r: usize) -> bool {
        let (a, b) = (&self.nodes[l], &self.nodes[r]);
        if a.kind != b.kind {
            return false;
        }
        match a.kind {
            Kind::Cat | Kind::Or => {
                self.equal(a.left.unwrap(), b.left.unwrap()) && self.equal(a.right.unwrap(), b.right.unwrap())
            }
            Kind::Star | Kind::Plus | Kind::Quest => self.equal(a.left.unwrap(), b.left.unwrap()),
            // Never merge the end markers between patterns.
            Kind::Charset => !a.charset.has(TARGET_TRANS) && a.charset == b.charset,
        }
    }

    fn find_common(&self, or: usize, lm: bool) -> Option<(usize, usize)> {
        let mut left = self.nodes[or].left.unwrap();
        let mut right = self.nodes[or].right.unwrap();
        let mut ld = self.depth(left, lm);
        let mut rd = self.depth(right, lm);
        while ld > rd && self.nodes[left].kind != Kind::Or {
            left = self.side(left, lm)?;
            ld -= 1;
        }
        while rd > ld && self.nodes[right].kind != Kind::Or {
            right = self.side(right, lm)?;
            rd -= 1;
        }
        if ld != rd {
            return None;
        }
        while ld > 0 {
            let (a, b) = (&self.nodes[left], &self.nodes[right]);
            if a.kind == Kind::Cat && b.kind == Kind::Cat && self.equal(self.side(left, lm)?, self.side(right, lm)?) {
                return Some((left, right));
            }
            if a.kind == Kind::Or || b.kind == Kind::Or {
                break;
            }
            left = self.side(left, lm)?;
            right = self.side(right, lm)?;
            ld -= 1;
        }
        None
    }

    /// `((ab)|((ac)|d))` becomes `(((ab)|(ac))|d)` (mirrored for suffixes).
    fn rotate_ors(&mut self, r: usize, lm: bool) -> bool {
        if self.nodes[r].kind != Kind::Or {
            return false;
        }
        let old = match self.other(r, lm) {
            Some(o) if self.nodes[o].kind == Kind::Or => o,
            _ => return false,
        };
        let (r_side, old_side, old_other) = (self.side(r, lm), self.side(old, lm), self.other(old, lm));
        if lm {
            self.nodes[r].right = old_other;
            self.nodes[old].right = old_side;
            self.nodes[old].left = r_side;
            self.nodes[r].left = Some(old);
        } else {
            self.nodes[r].left = old_other;
            self.nodes[old].left = old_side;
            self.nodes[old].right = r_side;
            self.nodes[r].right = Some(old);
        }
        true
    }

    fn exchange(&mut self, r: usize, left_cat: usize, right_cat: usize, lm: bool) -> usize {
        let new_r = if lm {
            let l = self.side(left_cat, lm);
            self.node(Kind::Cat, l, Some(r))
        } else {
            let l = self.side(right_cat, lm);
            self.node(Kind::Cat, Some(r), l)
        };
        let lo = self.other(left_cat, lm).unwrap();
        self.nodes[left_cat] = self.nodes[lo].clone();
        let ro = self.other(right_cat, lm).unwrap();
        self.nodes[right_cat] = self.nodes[ro].clone();
        new_r
    }

    fn pass(&mut self, r: usize, changed: &mut bool) -> usize {
        match self.nodes[r].kind {
            Kind::Cat => {
                let l = self.pass(self.nodes[r].left.unwrap(), changed);
                self.nodes[r].left = Some(l);
                let rr = self.pass(self.nodes[r].right.unwrap(), changed);
                self.nodes[r].right = Some(rr);
                r
            }
            Kind::Star | Kind::Plus | Kind::Quest => {
                let l = self.pass(self.nodes[r].left.unwrap(), changed);
                self.nodes[r].left = Some(l);
                r
            }
            Kind::Or => {
                let l = self.pass(self.nodes[r].left.unwrap(), changed);
                self.nodes[r].left = Some(l);
                let rr = self.pass(self.nodes[r].right.unwrap(), changed);
                self.nodes[r].right = Some(rr);
                for lm in [true, false] {
                    if let Some((left, right)) = self.find_common(r, lm) {
                        *changed = true;
                        if self.rotate_ors(r, lm) {
                            return r;
                        }
                        return self.exchange(r, left, right, lm);
                    }
                }
                r
            }
            Kind::Charset => r,
        }
    }

    fn optimise(&mut self, mut r: usize) -> usize {
        loop {
            let mut changed = false;
            r = self.pass(r, &mut changed);
            if !changed {
                return r;
            }
        }
    }
}

/// libdm's ternary search tree over fixed-length keys of 32-bit words.
/// Faithful to its behaviour: an insert that creates new nodes stores the
/// value on the node of the last key word, where a lookup does not look
/// (it descends one more level), so a first lookup after such an insert
/// misses; the second insert of that key stores the value one level down,
/// where lookups find it.
#[derive(Default)]
struct Ttree {
    nodes: Vec<TtNode>,
    root: Option<usize>,
}

#[derive(Clone, Copy)]
struct TtNode {
    k: u32,
    l: Option<usize>,
    m: Option<usize>,
    r: Option<usize>,
    data: Option<u32>,
}

/// Where a link lives: the root, or a child slot of a node.
#[derive(Clone, Copy)]
enum Slot {
    Root,
    L(usize),
    M(usize),
    R(usize),
}

impl Ttree {
    fn get(&self, s: Slot) -> Option<usize> {
        match s {
            Slot::Root => self.root,
            Slot::L(n) => self.nodes[n].l,
            Slot::M(n) => self.nodes[n].m,
            Slot::R(n) => self.nodes[n].r,
        }
    }

    fn put(&mut self, s: Slot, v: usize) {
        match s {
            Slot::Root => self.root = Some(v),
            Slot::L(n) => self.nodes[n].l = Some(v),
            Slot::M(n) => self.nodes[n].m = Some(v),
            Slot::R(n) => self.nodes[n].r = Some(v),
        }
    }

    fn lookup_single(&self, mut c: Slot, k: u32) -> Slot {
        while let Some(n) = self.get(c) {
            let nk = self.nodes[n].k;
            if k < nk {
                c = Slot::L(n);
            } else if k > nk {
                c = Slot::R(n);
            } else {
                return Slot::M(n);
            }
        }
        c
    }

    fn lookup(&self, key: &[u32]) -> Option<u32> {
        let mut c = Slot::Root;
        let mut count = key.len();
        let mut i = 0;
        while self.get(c).is_some() && count > 0 {
            c = self.lookup_single(c, key[i]);
            i += 1;
            count -= 1;
        }
        self.get(c).and_then(|n| self.nodes[n].data)
    }

    fn insert(&mut self, key: &[u32], data: u32) {
        let mut c = Slot::Root;
        let mut count = key.len() as isize;
        let mut i = 0;
        let mut k;
        loop {
            k = key[i];
            i += 1;
            c = self.lookup_single(c, k);
            count -= 1;
            if !(self.get(c).is_some() && count > 0) {
                break;
            }
        }
        if self.get(c).is_none() {
            count += 1;
            while count > 0 {
                count -= 1;
                self.nodes.push(TtNode { k, l: None, m: None, r: None, data: None });
                let n = self.nodes.len() - 1;
                self.put(c, n);
                k = key.get(i).copied().unwrap_or(0);
                i += 1;
                if count > 0 {
                    c = Slot::M(n);
                }
            }
        }
        if let Some(n) = self.get(c) {
            self.nodes[n].data = Some(data);
        }
    }
}

/// One position of the automaton (a charset leaf).
struct Position {
    charset: ByteSet,
    /// The end-marker number (pattern index + 1), 0 for other leaves.
    final_: i32,
    followpos: Bits,
}

struct State {
    bits: Bits,
    /// -1 until the transition on the end marker is known, then the
    /// highest end-marker number among the state's positions (if any).
    final_: i32,
    lookup: Box<[Option<u32>; 256]>,
}

/// Compiled patterns.
pub struct Regex {
    positions: Vec<Position>,
    /// For each byte, the positions whose charset holds it.
    charmap: Vec<Bits>,
    states: Vec<State>,
    /// Position sets to states, in libdm's ternary search tree (whose
    /// quirks decide when equal position sets share a state, and so the
    /// fingerprint).
    tt: Ttree,
    /// States whose transitions are not all computed yet.
    queue: VecDeque<u32>,
    npos: usize,
}

struct Calc {
    nullable: bool,
    first: Bits,
    last: Bits,
}

impl Regex {
    /// Compiles `patterns` (libdm's `dm_regex_create`).
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Regex, RegexError> {
        let mut all = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            let p = &p[..p.iter().position(|&b| b == 0).unwrap_or(p.len())];
            all.extend_from_slice(b"(.*(");
            all.extend_from_slice(p);
            all.push(b')');
            all.push(TARGET_TRANS);
            all.push(b')');
            if i + 1 < patterns.len() {
                all.push(b'|');
            }
        }
        let mut ps = Parser { src: &all, cursor: 0, tok: Tok::End, charset: ByteSet::default(), nodes: Vec::new() };
        ps.next();
        let root = match ps.or_term() {
            Some(r) => r,
            None => {
                crate::log_error!("Parse error in regex");
                crate::log_error!("Couldn't parse regex");
                return Err(RegexError::Parse);
            }
        };
        let root = ps.optimise(root);
        Ok(Self::build(&ps.nodes, root))
    }

    fn build(nodes: &[Node], root: usize) -> Regex {
        // Positions in left-to-right leaf order; nodes in post-order.
        let mut post = Vec::new();
        let mut stack = vec![(root, false)];
        while let Some((n, done)) = stack.pop() {
            if done {
                post.push(n);
                continue;
            }
            stack.push((n, true));
            if let Some(r) = nodes[n].right {
                stack.push((r, false));
            }
            if let Some(l) = nodes[n].left {
                stack.push((l, false));
            }
        }
        let mut pos_of = HashMap::new();
        for &n in &post {
            if nodes[n].kind == Kind::Charset {
                let i = pos_of.len();
                pos_of.insert(n, i);
            }
        }
        let npos = pos_of.len();
        let mut positions: Vec<Position> = Vec::with_capacity(npos);
        let mut calc: HashMap<usize, Calc> = HashMap::new();
        let mut next_final = 1;
        for &n in &post {
            let node = &nodes[n];
            if node.kind == Kind::Charset {
                let f = if node.charset.has(TARGET_TRANS) {
                    next_final += 1;
                    next_final - 1
                } else {
                    0
                };
                positions.push(Position { charset: node.charset, final_: f, followpos: Bits::new(npos) });
            }
            let c1 = node.left.map(|l| &calc[&l]);
            let c2 = node.right.map(|r| &calc[&r]);
            let mut first = Bits::new(npos);
            let mut last = Bits::new(npos);
            let nullable;
            match node.kind {
                Kind::Cat => {
                    let (a, b) = (c1.unwrap(), c2.unwrap());
                    first = a.first.clone();
                    if a.nullable {
                        first.union_with(&b.first);
                    }
                    last = b.last.clone();
                    if b.nullable {
                        last.union_with(&a.last);
                    }
                    nullable = a.nullable && b.nullable;
                    for j in a.last.iter() {
                        positions[j].followpos.union_with(&b.first);
                    }
                }
                Kind::Plus | Kind::Star | Kind::Quest => {
                    let a = c1.unwrap();
                    first = a.first.clone();
                    last = a.last.clone();
                    nullable = node.kind != Kind::Plus || a.nullable;
                    if node.kind != Kind::Quest {
                        for j in last.iter() {
                            positions[j].followpos.union_with(&first);
                        }
                    }
                }
                Kind::Or => {
                    let (a, b) = (c1.unwrap(), c2.unwrap());
                    first = a.first.clone();
                    first.union_with(&b.first);
                    last = a.last.clone();
                    last.union_with(&b.last);
                    nullable = a.nullable || b.nullable;
                }
                Kind::Charset => {
                    first.set(pos_of[&n]);
                    last.set(pos_of[&n]);
                    nullable = false;
                }
            }
            calc.insert(n, Calc { nullable, first, last });
        }
        let mut charmap = vec![Bits::new(npos); 256];
        for (i, p) in positions.iter().enumerate() {
            for (b, map) in charmap.iter_mut().enumerate() {
                if p.charset.has(b as u8) {
                    map.set(i);
                }
            }
        }
        let start_bits = calc.remove(&root).map(|c| c.first).unwrap_or_default();
        let mut re = Regex { positions, charmap, states: Vec::new(), tt: Ttree::default(), queue: VecDeque::new(), npos };
        re.add_state(start_bits);
        re
    }

    /// The tree key of a position set: its 32-bit words, as many as libdm
    /// uses (`positions / 32 + 1`).
    fn key(&self, bits: &Bits) -> Vec<u32> {
        (0..self.npos / 32 + 1).map(|i| (bits.0.get(i / 2).copied().unwrap_or(0) >> (32 * (i % 2))) as u32).collect()
    }

    fn add_state(&mut self, bits: Bits) -> u32 {
        let id = self.states.len() as u32;
        let key = self.key(&bits);
        self.tt.insert(&key, id);
        self.states.push(State { bits, final_: -1, lookup: Box::new([None; 256]) });
        self.queue.push_back(id);
        id
    }

    /// Computes the transition of state `s` on byte `a` (and, for the end
    /// marker, the state's final number).
    fn calc_state(&mut self, s: u32, a: u8) {
        let mut next = Bits::new(self.npos);
        let mut any = false;
        let st = &self.states[s as usize];
        let map = &self.charmap[a as usize];
        let mut final_ = st.final_;
        for (w, (x, y)) in map.0.iter().zip(&st.bits.0).enumerate() {
            let mut both = x & y;
            while both != 0 {
                let i = w * 64 + both.trailing_zeros() as usize;
                both &= both - 1;
                if a == TARGET_TRANS {
                    final_ = self.positions[i].final_;
                }
                next.union_with(&self.positions[i].followpos);
                any = true;
            }
        }
        self.states[s as usize].final_ = final_;
        if any {
            let target = match self.tt.lookup(&self.key(&next)) {
                Some(t) => t,
                None => self.add_state(next),
            };
            self.states[s as usize].lookup[a as usize] = Some(target);
        }
    }

    fn step(&mut self, c: u8, cs: u32, best: &mut i32) -> Option<u32> {
        let ns = match self.states[cs as usize].lookup[c as usize] {
            Some(n) => n,
            None => {
                self.calc_state(cs, c);
                self.states[cs as usize].lookup[c as usize]?
            }
        };
        if self.states[ns as usize].final_ == -1 {
            self.calc_state(ns, TARGET_TRANS);
        }
        let f = self.states[ns as usize].final_;
        if f != 0 && f > *best {
            *best = f;
        }
        Some(ns)
    }

    /// The index of the highest-numbered pattern that matches anywhere in
    /// `s` (up to its first NUL), or None (libdm's `dm_regex_match`).
    pub fn matches(&mut self, s: &[u8]) -> Option<usize> {
        let mut best = 0;
        let mut cs = 0u32;
        'run: {
            match self.step(HAT_CHAR, cs, &mut best) {
                Some(n) => cs = n,
                None => break 'run,
            }
            for &c in s {
                if c == 0 {
                    break;
                }
                match self.step(c, cs, &mut best) {
                    Some(n) => cs = n,
                    None => break 'run,
                }
            }
            self.step(DOLLAR_CHAR, cs, &mut best);
        }
        if best > 0 {
            Some(best as usize - 1)
        } else {
            None
        }
    }

    /// libdm's `dm_regex_fingerprint`: builds every state, then hashes the
    /// automaton in the C library's traversal order, so equal patterns give
    /// the C library's value.
    pub fn fingerprint(&mut self) -> u32 {
        while let Some(s) = self.queue.pop_front() {
            for a in 0..=255u8 {
                self.calc_state(s, a);
            }
        }
        fn randomise(n: u32) -> u32 {
            n.wrapping_mul(u32::MAX - 4)
        }
        fn combine(n1: u32, n2: u32) -> u32 {
            n1.rotate_left(8) ^ randomise(n2)
        }
        let mut ids: HashMap<Option<u32>, u32> = HashMap::new();
        let mut pending: Vec<Option<u32>> = Vec::new();
        let mut next_index = 0u32;
        let mut push = |node: Option<u32>, ids: &mut HashMap<Option<u32>, u32>, pending: &mut Vec<Option<u32>>| -> u32 {
            if let Some(&i) = ids.get(&node) {
                return i;
            }
            next_index += 1;
            ids.insert(node, next_index);
            pending.push(node);
            next_index
        };
        push(Some(0), &mut ids, &mut pending);
        let mut result = 0u32;
        while let Some(Some(node)) = pending.pop() {
            let st = &self.states[node as usize];
            result = combine(result, st.final_.max(0) as u32);
            let lookup = *st.lookup;
            for t in lookup {
                let id = push(t, &mut ids, &mut pending);
                result = combine(result, id);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &[&str]) -> Regex {
        Regex::new(p).expect("compiles")
    }

    #[test]
    fn a_literal_matches_anywhere_in_the_string() {
        let mut r = re(&["abc"]);
        assert_eq!(r.matches(b"xxabcxx"), Some(0));
        assert_eq!(r.matches(b"ab"), None);
    }

    #[test]
    fn anchors_bind_to_the_start_and_end() {
        let mut r = re(&["^abc$"]);
        assert_eq!(r.matches(b"abc"), Some(0));
        assert_eq!(r.matches(b"xabc"), None);
        assert_eq!(r.matches(b"abcx"), None);
    }

    #[test]
    fn the_highest_matching_pattern_index_is_returned() {
        let mut r = re(&["a", "b", "ab"]);
        assert_eq!(r.matches(b"ab"), Some(2));
        assert_eq!(r.matches(b"a"), Some(0));
        assert_eq!(r.matches(b"b"), Some(1));
        assert_eq!(r.matches(b"c"), None);
    }

    #[test]
    fn charsets_ranges_negation_and_closures() {
        let mut r = re(&["^[a-c]+x?[^0-9]$"]);
        assert_eq!(r.matches(b"abcz"), Some(0));
        assert_eq!(r.matches(b"abxz"), Some(0));
        assert_eq!(r.matches(b"ab5"), None);
        let mut r = re(&["^(foo|bar)*$"]);
        assert_eq!(r.matches(b""), Some(0));
        assert_eq!(r.matches(b"foobarfoo"), Some(0));
        assert_eq!(r.matches(b"foob"), None);
    }

    #[test]
    fn dot_does_not_match_newline() {
        let mut r = re(&["^a.b$"]);
        assert_eq!(r.matches(b"axb"), Some(0));
        assert_eq!(r.matches(b"a\nb"), None);
    }

    #[test]
    fn unbalanced_parentheses_and_lone_operators_fail() {
        assert!(Regex::new(&["(ab"]).is_err());
        assert!(Regex::new(&["*a"]).is_err());
        assert!(Regex::new(&["a|"]).is_err());
        assert!(Regex::new(&["[ab"]).is_err());
    }

    #[test]
    fn fingerprints_of_the_c_library() {
        // Values printed by Debian's libdevmapper 1.02.185 for the same
        // patterns (tests/diff/report/regex_cases.txt has more).
        let cases: &[(&[&str], u32)] = &[
            (&["a"], 0x0f2b1404),
            (&["ab|cb"], 0x05123b13),
            (&["or|ir"], 0x05123b13),
            (&["aa|ba"], 0x1304042c),
            (&["^/dev/sd[a-z]+$", "^/dev/loop[0-9]*$"], 0x0c26e5af),
            (&["h(e|a)llo", "w(or|ir)ld", "x?y?z?"], 0x9dbbce8e),
        ];
        for (p, want) in cases {
            assert_eq!(re(p).fingerprint(), *want, "{p:?}");
        }
    }
}
