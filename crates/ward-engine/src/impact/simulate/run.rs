//! The trials: what falls, for how long, and what it costs each service (see the module above).

use std::sync::Mutex;

use rayon::prelude::*;
use ward_core::org::OrgKind;
use ward_core::service::ThroughputUnit;

use super::super::blast::Effect;
use super::super::graph::ImpactGraph;
use super::super::report::Visibility;
use super::builtin::AGREED_MUTUAL_AID;
use super::mutual_aid::{AidBudget, Neighbours};
use super::resolve::Resolved;
use super::teams::{Job, Schedule};
use super::{
    CurvePoint, MOST_AFFECTED_TRUSTS, Mitigation, SimulationError, SimulationParams, SimulationResult,
    SplitMix64, TrustFigures, at, quantiles, round1,
};
use ward_core::simulation::{MutualAid, Share};

/// Points of the recovery curve: 5 %, 10 %, ... 100 % of the affected services back.
pub const CURVE_POINTS: usize = 20;

/// What a service of each class counts towards.
#[derive(Debug, Clone, Copy, Default)]
struct Class {
    outpatients: bool,
    electives: bool,
    appointments: bool,
    /// Delivered by an NHS trust the caller may see.
    trust: bool,
    /// Counted at all: the caller sees its organisation.
    seen: bool,
}

/// Less than this of a day out is taken as rounding, not as a day out (mutual aid by day).
const DAY_ROUNDING: f64 = 1e-6;

/// One lost thing in one trial.
#[derive(Debug, Clone, Copy)]
struct Hit {
    node: usize,
    candidate: usize,
    onset: f64,
    days: f64,
}

/// A service's outage in one trial: from, until, and the share of throughput lost.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Outage {
    from: f64,
    until: f64,
    share: f64,
}

const NONE: Outage = Outage {
    from: f64::INFINITY,
    until: 0.0,
    share: 0.0,
};

/// One trial's figures.
struct Figures {
    outpatients: f64,
    electives: f64,
    appointments: f64,
    lost: f64,
    days: f64,
    orgs: f64,
    trust_outpatients: f64,
    trust_electives: f64,
    redirected: f64,
    team_days: f64,
    /// The day by which each curve point's share of the services seen is back (none when the
    /// trial affected nothing seen).
    curve: Option<[f64; CURVE_POINTS]>,
}

/// A service out on the day at hand (mutual aid by day): what the day's search needs of it, kept
/// together so that the services out are read in order rather than looked up.
#[derive(Debug, Clone, Copy)]
struct OutToday {
    service: usize,
    from: f64,
    until: f64,
    /// The day after its last day out.
    end: f64,
    /// What it loses on a whole day out (throughput, the share lost, staged recovery).
    daily: f64,
    /// Patients redirected so far in this trial.
    absorbed: f64,
}

/// Every trial's figures, kept until the quantiles are taken.
#[derive(Default)]
struct Tally {
    outpatients: Vec<f64>,
    electives: Vec<f64>,
    appointments: Vec<f64>,
    lost: Vec<f64>,
    days: Vec<f64>,
    orgs: Vec<f64>,
    trust_outpatients: Vec<f64>,
    trust_electives: Vec<f64>,
    redirected: Vec<f64>,
    team_days: Vec<f64>,
    /// Per curve point, the day of each trial that affected anything seen.
    curve: Vec<Vec<f64>>,
}

impl Tally {
    fn add(&mut self, f: &Figures) {
        self.outpatients.push(f.outpatients);
        self.electives.push(f.electives);
        self.appointments.push(f.appointments);
        self.lost.push(f.lost);
        self.days.push(f.days);
        self.orgs.push(f.orgs);
        self.trust_outpatients.push(f.trust_outpatients);
        self.trust_electives.push(f.trust_electives);
        self.redirected.push(f.redirected);
        self.team_days.push(f.team_days);
        if let Some(curve) = &f.curve {
            for (days, day) in self.curve.iter_mut().zip(curve) {
                days.push(*day);
            }
        }
    }
}

/// The generator of trial `trial` of a run seeded `seed`: its own stream, so a trial draws the
/// same whichever thread runs it and in whatever order.
fn trial_rng(seed: u64, trial: u32) -> SplitMix64 {
    let mut mixer = SplitMix64::new(seed ^ u64::from(trial).wrapping_mul(0xD1B5_4A32_D192_ED03));
    SplitMix64::new(mixer.next_u64())
}

impl ImpactGraph {
    /// Run the simulation over the whole sector; refuses more trials than `max_trials`.
    pub fn simulate(
        &self,
        params: &SimulationParams,
        max_trials: u32,
    ) -> Result<SimulationResult, SimulationError> {
        self.simulate_seen(params, max_trials, &Visibility::All, &mut |_| {})
    }

    /// Run the simulation, counting only the services of organisations in `seen` (the attack may
    /// take out anything), and telling `progress` how many trials are done now and then.
    pub fn simulate_seen(
        &self,
        params: &SimulationParams,
        max_trials: u32,
        seen: &Visibility,
        progress: &mut dyn FnMut(u32),
    ) -> Result<SimulationResult, SimulationError> {
        if params.trials == 0 {
            return Err(SimulationError::NoTrials);
        }
        if params.trials > max_trials {
            return Err(SimulationError::TooManyTrials {
                asked: params.trials,
                max: max_trials,
            });
        }
        let resolved = self
            .resolve(&params.scenario, params.from_file)
            .map_err(SimulationError::Refused)?;
        let visible = self.visible_marks(seen);
        let classes: Vec<Class> = self
            .services
            .iter()
            .map(|s| {
                let name = s.name.to_lowercase();
                let org = self.orgs.get(s.org.0 as usize);
                let seen = visible.get(s.org.0 as usize).copied().unwrap_or(false);
                Class {
                    outpatients: name.contains("outpatient"),
                    electives: name.contains("theatre") || name.contains("elective"),
                    appointments: s.unit == ThroughputUnit::Appointments,
                    trust: seen && org.is_some_and(|o| o.kind == OrgKind::NhsTrust),
                    seen,
                }
            })
            .collect();
        let mut tally = Tally {
            curve: vec![Vec::new(); CURVE_POINTS],
            ..Tally::default()
        };
        // What depends only on the graph (and the run's parameters) is worked out once here and
        // only read by the trials.
        let neighbours = Neighbours::new(self, mutual_aid(params));
        // The trials run in batches of about a hundredth (progress is told between batches), each
        // batch spread over the threads of rayon's pool; each thread works in its own `Trial`
        // (working memory only: a trial's figures depend on its number and the seed alone), and
        // the figures are tallied in trial order.
        let workers: Vec<Mutex<Trial>> = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::new(Trial::new(self, &resolved, params, &classes, &neighbours)))
            .collect();
        let every = (params.trials / 100).max(1);
        let mut done = 0;
        while done < params.trials {
            let batch = every.min(params.trials - done);
            let figures: Vec<Figures> = (done..done + batch)
                .into_par_iter()
                .map(|n| {
                    let at = rayon::current_thread_index().unwrap_or(0) % workers.len();
                    let mut rng = trial_rng(params.seed, n);
                    match workers.get(at).map(Mutex::lock) {
                        Some(Ok(mut trial)) => trial.run(&mut rng),
                        // Not reached (one worker per thread, and a trial does not panic): a
                        // fresh trial gives the same figures.
                        _ => Trial::new(self, &resolved, params, &classes, &neighbours).run(&mut rng),
                    }
                })
                .collect();
            for f in &figures {
                tally.add(f);
            }
            done += batch;
            progress(done);
        }
        let mut mitigations: Vec<Mitigation> = params.mitigations.clone();
        mitigations.sort();
        mitigations.dedup();
        let curve = tally
            .curve
            .into_iter()
            .enumerate()
            .map(|(k, mut days)| {
                days.sort_by(f64::total_cmp);
                CurvePoint {
                    share: (k + 1) as f64 / CURVE_POINTS as f64,
                    median_day: round1(at(&days, 0.5)),
                    p90_day: round1(at(&days, 0.9)),
                }
            })
            .collect();
        Ok(SimulationResult {
            scenario: params.scenario.name.clone(),
            trials: params.trials,
            seed: params.seed,
            mitigations: mitigations.into_iter().map(Mitigation::as_str).collect(),
            target: resolved.target.clone(),
            outpatient_appointments_postponed: quantiles(tally.outpatients),
            elective_procedures_postponed: quantiles(tally.electives),
            appointments_postponed: quantiles(tally.appointments),
            patient_days_lost: quantiles(tally.lost),
            days_to_recover: quantiles(tally.days),
            organisations_affected: quantiles(tally.orgs),
            most_affected_trusts: TrustFigures {
                outpatient_appointments_postponed: quantiles(tally.trust_outpatients),
                elective_procedures_postponed: quantiles(tally.trust_electives),
            },
            patients_redirected: quantiles(tally.redirected),
            team_days: quantiles(tally.team_days),
            recovery_curve: curve,
        })
    }
}

/// One trial's working memory, reused across trials.
struct Trial<'a> {
    graph: &'a ImpactGraph,
    resolved: &'a Resolved,
    classes: &'a [Class],
    recovery_factor: f64,
    teams: usize,
    unhelped: f64,
    lag: f64,
    second_pathology: bool,
    /// What is lost over an outage when capacity comes back in steps (1: all at the end).
    staged: f64,
    neighbours: &'a Neighbours,
    budget: AidBudget,
    schedule: Schedule,
    outages: Vec<Outage>,
    /// Per service: patients redirected by mutual aid over this trial's outage (for `touched`).
    absorbed: Vec<f64>,
    touched: Vec<usize>,
    /// The days on which the services out change, or a service is out for part of the day.
    bounds: Vec<f64>,
    /// Touched services by the day their outage starts, and those out on the day at hand.
    starting: Vec<(f64, usize)>,
    out_today: Vec<OutToday>,
    /// Per service: whether it is in `out_today` (out on the day at hand).
    is_out: Vec<bool>,
    onsets: Vec<Option<f64>>,
    hits: Vec<Hit>,
    jobs: Vec<Job>,
    /// Hits heaviest first, for the teams.
    order: Vec<(u64, usize)>,
    priority: Vec<usize>,
    team_days: f64,
    /// The trial's tallies' working lists, kept across trials.
    orgs: Vec<u32>,
    back: Vec<f64>,
    /// (organisation, service, outpatients lost, electives lost) per NHS trust service hit.
    per_trust: Vec<(u32, usize, f64, f64)>,
    trusts: Vec<(u32, f64, f64)>,
}

/// The larger of each share.
fn at_least(a: MutualAid, b: MutualAid) -> MutualAid {
    MutualAid {
        spare: Share::clamped(a.spare.get().max(b.spare.get())),
        travel: Share::clamped(a.travel.get().max(b.travel.get())),
    }
}

/// The mutual aid a run works with: the scenario's, raised by an agreement.
fn mutual_aid(params: &SimulationParams) -> MutualAid {
    let spec = &params.scenario;
    if params.mitigations.contains(&Mitigation::MutualAidAgreement) {
        at_least(spec.mutual_aid, AGREED_MUTUAL_AID)
    } else {
        spec.mutual_aid
    }
}

/// A service's last day out is over: it is no longer out, and what it had redirected is kept.
fn leave(o: &OutToday, is_out: &mut [bool], absorbed: &mut [f64]) {
    if let Some(out) = is_out.get_mut(o.service) {
        *out = false;
    }
    if let Some(a) = absorbed.get_mut(o.service) {
        *a = o.absorbed;
    }
}

impl<'a> Trial<'a> {
    fn new(
        graph: &'a ImpactGraph,
        resolved: &'a Resolved,
        params: &SimulationParams,
        classes: &'a [Class],
        neighbours: &'a Neighbours,
    ) -> Self {
        let has = |m| params.mitigations.contains(&m);
        let spec = &params.scenario;
        Self {
            graph,
            resolved,
            classes,
            recovery_factor: if has(Mitigation::OfflineBackups) { 0.5 } else { 1.0 },
            teams: spec.response_teams as usize + usize::from(has(Mitigation::ExtraResponseTeam)),
            unhelped: spec.unhelped.max(1.0),
            lag: spec.dependency_lag.get(),
            second_pathology: has(Mitigation::SecondPathologySupplier),
            staged: spec.staged_recovery.map_or(1.0, |s| s.lost_factor()),
            neighbours,
            budget: AidBudget::new(neighbours),
            schedule: Schedule::default(),
            outages: vec![NONE; graph.services.len()],
            absorbed: vec![0.0; graph.services.len()],
            touched: Vec::new(),
            bounds: Vec::new(),
            starting: Vec::new(),
            out_today: Vec::new(),
            is_out: vec![false; graph.services.len()],
            onsets: vec![None; resolved.nodes.len()],
            hits: Vec::new(),
            jobs: Vec::new(),
            order: Vec::new(),
            priority: Vec::new(),
            team_days: 0.0,
            orgs: Vec::new(),
            back: Vec::new(),
            per_trust: Vec::new(),
            trusts: Vec::new(),
        }
    }

    /// Which nodes fall, when, and for how long.
    fn draw(&mut self, rng: &mut SplitMix64) {
        let resolved = self.resolved;
        self.hits.clear();
        self.onsets.iter_mut().for_each(|o| *o = None);
        for &i in &resolved.order {
            let Some(node) = resolved.nodes.get(i) else {
                continue;
            };
            let onset = if node.after.is_empty() {
                Some(node.lag)
            } else {
                node.after
                    .iter()
                    .filter_map(|a| self.onsets.get(*a).copied().flatten())
                    .reduce(f64::max)
                    .map(|o| o + node.lag)
            };
            let Some(onset) = onset else { continue };
            let median = node.recovery.median_days() * self.recovery_factor;
            let mut fell = false;
            for c in 0..node.candidates.len() {
                if node.probability >= 1.0 || rng.next_f64() < node.probability {
                    let days = (median.ln() + node.recovery.spread() * rng.normal()).exp();
                    self.hits.push(Hit {
                        node: i,
                        candidate: c,
                        onset,
                        days,
                    });
                    fell = true;
                }
            }
            if let Some(slot) = self.onsets.get_mut(i) {
                *slot = fell.then_some(onset);
            }
        }
        // The teams go to the heaviest losses first and move on as each is back (`teams`).
        let weight = |h: &Hit| {
            resolved
                .nodes
                .get(h.node)
                .and_then(|n| n.candidates.get(h.candidate))
                .map_or(0, |c| c.weight)
        };
        self.order.clear();
        self.order
            .extend(self.hits.iter().enumerate().map(|(k, h)| (weight(h), k)));
        self.order
            .sort_unstable_by_key(|(w, k)| (std::cmp::Reverse(*w), *k));
        self.priority.clear();
        self.priority.extend(self.order.iter().map(|(_, k)| *k));
        self.jobs.clear();
        self.jobs.extend(self.hits.iter().map(|h| Job {
            onset: h.onset,
            work: h.days,
        }));
        self.team_days = self
            .schedule
            .run(&self.jobs, &self.priority, self.teams, self.unhelped);
        for (h, back) in self.hits.iter_mut().zip(&self.schedule.back) {
            h.days = back - h.onset;
        }
    }

    /// Mutual aid day by day: each day the services out that day (in the graph's order) share
    /// the spare capacity of their neighbours not out that day, each asking for what it loses
    /// that day (its share of the day out). Days are taken in runs between the days on which
    /// anything starts or ends, or is out for only part of the day: within a run every day is
    /// alike (each service out is out all day), so one day is worked out and counted for all.
    fn redirect_by_day(&mut self) {
        let outages = &self.outages;
        // The days an outage touches, from the first to the one after the last; a millionth of a
        // day either side is rounding in the drawn durations (`exp(ln 10)` is not quite 10), not
        // a day out.
        let span = |o: &Outage| ((o.from + DAY_ROUNDING).floor(), (o.until - DAY_ROUNDING).ceil());
        self.bounds.clear();
        self.starting.clear();
        for &s in &self.touched {
            let Some(o) = outages.get(s) else { continue };
            let (first, end) = span(o);
            if first >= end {
                continue;
            }
            self.bounds
                .extend([first, (first + 1.0).min(end), (end - 1.0).max(first), end]);
            self.starting.push((first, s));
        }
        self.bounds.sort_unstable_by(f64::total_cmp);
        self.bounds.dedup();
        self.starting
            .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut next_start = 0;
        let (out_today, is_out, absorbed) = (&mut self.out_today, &mut self.is_out, &mut self.absorbed);
        for k in 1..self.bounds.len() {
            let (Some(&day), Some(&until)) = (self.bounds.get(k - 1), self.bounds.get(k)) else {
                continue;
            };
            // A service out is out until its end (each starts on a bound, so on its first day):
            // `is_out` is then whether it is out on the day at hand, as a helper is asked.
            out_today.retain(|o| {
                let still = day < o.end;
                if !still {
                    leave(o, is_out, absorbed);
                }
                still
            });
            let before = out_today.len();
            while let Some(&(first, s)) = self.starting.get(next_start)
                && first <= day
            {
                let (Some(o), Some(node)) = (outages.get(s), self.graph.services.get(s)) else {
                    next_start += 1;
                    continue;
                };
                out_today.push(OutToday {
                    service: s,
                    from: o.from,
                    until: o.until,
                    end: span(o).1,
                    daily: f64::from(node.throughput) * o.share * self.staged,
                    absorbed: 0.0,
                });
                if let Some(out) = is_out.get_mut(s) {
                    *out = true;
                }
                next_start += 1;
            }
            if out_today.len() > before {
                out_today.sort_unstable_by_key(|o| o.service);
            }
            if out_today.is_empty() {
                continue;
            }
            self.budget.begin_day();
            let is_out = &*is_out;
            let down = |h: usize| is_out.get(h).copied().unwrap_or(false);
            for o in out_today.iter_mut() {
                let part = (o.until.min(day + 1.0) - o.from.max(day)).clamp(0.0, 1.0);
                let moved = self
                    .budget
                    .absorb(self.neighbours, o.service, o.daily * part, down);
                o.absorbed += moved * (until - day);
            }
        }
        for o in out_today.drain(..) {
            leave(&o, is_out, absorbed);
        }
    }

    fn run(&mut self, rng: &mut SplitMix64) -> Figures {
        self.draw(rng);
        let mut longest = 0.0_f64;
        let hits = std::mem::take(&mut self.hits);
        for h in &hits {
            let Some(node) = self.resolved.nodes.get(h.node) else {
                continue;
            };
            let Some(c) = node.candidates.get(h.candidate) else {
                continue;
            };
            let until = h.onset + h.days;
            longest = longest.max(until);
            let soft = node.pathology && self.second_pathology;
            for &(s, e, direct) in &c.effects {
                let kept = self.resolved.keeps.get(s as usize).copied().unwrap_or(0.5);
                let share = match (e, soft) {
                    (Effect::Stopped, false) => 1.0,
                    (Effect::Degraded, false) | (Effect::Stopped, true) => 1.0 - kept,
                    (Effect::Degraded, true) => (1.0 - kept) / 2.0,
                    (Effect::Unaffected, _) => 0.0,
                };
                let from = h.onset + if direct { 0.0 } else { self.lag };
                if from >= until || share <= 0.0 {
                    continue;
                }
                if let Some(o) = self.outages.get_mut(s as usize) {
                    if *o == NONE {
                        self.touched.push(s as usize);
                    }
                    o.from = o.from.min(from);
                    o.until = o.until.max(until);
                    o.share = o.share.max(share);
                }
            }
        }
        self.hits = hits;
        // Mutual aid, day by day, while every outage is known.
        if !self.neighbours.off() {
            self.touched.sort_unstable();
            self.redirect_by_day();
        }
        let (mut op, mut el, mut ap, mut all, mut moved) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (orgs, back, per_trust) = (&mut self.orgs, &mut self.back, &mut self.per_trust);
        orgs.clear();
        back.clear();
        per_trust.clear();
        for s in self.touched.drain(..) {
            let (Some(o), Some(node), Some(class)) = (
                self.outages.get_mut(s),
                self.graph.services.get(s),
                self.classes.get(s),
            ) else {
                continue;
            };
            let outage = std::mem::replace(o, NONE);
            let absorbed = self.absorbed.get_mut(s).map_or(0.0, std::mem::take);
            if !class.seen {
                continue;
            }
            let days = (outage.until - outage.from) * self.staged;
            let rate = f64::from(node.throughput) * outage.share;
            let absorbed = absorbed.min(rate * days);
            moved += absorbed;
            let lost = rate * days - absorbed;
            all += lost;
            if class.outpatients {
                op += lost;
            }
            if class.electives {
                el += lost;
            }
            if class.appointments {
                ap += lost;
            }
            if class.trust && (class.outpatients || class.electives) {
                per_trust.push((
                    node.org.0,
                    s,
                    if class.outpatients { lost } else { 0.0 },
                    if class.electives { lost } else { 0.0 },
                ));
            }
            orgs.push(node.org.0);
            back.push(outage.until);
        }
        orgs.sort_unstable();
        orgs.dedup();
        // Per trust, what its services lost, added in the graph's order.
        per_trust.sort_unstable_by_key(|t| (t.0, t.1));
        let trusts = &mut self.trusts;
        trusts.clear();
        for &(org, _, o, e) in per_trust.iter() {
            match trusts.last_mut() {
                Some(t) if t.0 == org => {
                    t.1 += o;
                    t.2 += e;
                }
                _ => trusts.push((org, o, e)),
            }
        }
        // The most affected trusts by what they lost, ties to the earlier trust.
        trusts.sort_by(|a, b| (b.1 + b.2).total_cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
        let (top_op, top_el) = trusts
            .iter()
            .take(MOST_AFFECTED_TRUSTS)
            .fold((0.0, 0.0), |acc, (_, o, e)| (acc.0 + o, acc.1 + e));
        let curve = (!back.is_empty()).then(|| {
            back.sort_by(f64::total_cmp);
            std::array::from_fn(|k| at(back, (k + 1) as f64 / CURVE_POINTS as f64))
        });
        Figures {
            outpatients: op.round(),
            electives: el.round(),
            appointments: ap.round(),
            lost: all.round(),
            days: longest,
            orgs: orgs.len() as f64,
            trust_outpatients: top_op.round(),
            trust_electives: top_el.round(),
            redirected: moved.round(),
            team_days: self.team_days,
            curve,
        }
    }
}
