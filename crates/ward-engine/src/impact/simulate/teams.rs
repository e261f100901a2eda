//! Response teams as a pool, moved from loss to loss by a small event-driven schedule (one per
//! trial).
//!
//! Each lost thing needs `work` days of recovery with a team at it; without one it recovers at
//! `1 / unhelped` of that pace (so alone it takes `unhelped` times as long). At the start every
//! team goes to the heaviest lost thing (by daily throughput affected) that has fallen and has
//! no team; when a team's loss is back, the team moves to the heaviest loss that has fallen, is
//! not back yet and has no team, and finishes what is left of it (the part already done alone
//! counts). A team with nothing to go to waits for the next loss to fall. Teams never leave a
//! loss before it is back. So recovery is limited by how many teams there are and where they
//! are sent, and the schedule reports the team-days used.
//!
//! Allocation-free once its buffers have grown (they are kept across trials).

/// One lost thing as the teams see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Job {
    /// The day it falls.
    pub(crate) onset: f64,
    /// Days to recover with a team at it from the start.
    pub(crate) work: f64,
}

/// The schedule's buffers, reused across trials.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    /// When each team is free next (`INFINITY`: nothing more to do).
    free: Vec<f64>,
    helped: Vec<bool>,
    /// When each job is back: the answer.
    pub(crate) back: Vec<f64>,
}

impl Schedule {
    /// Work out when each of `jobs` is back (into [`Schedule::back`]) with `teams` teams sent
    /// in `order` of priority (heaviest first; every job exactly once), and return the
    /// team-days used.
    pub(crate) fn run(&mut self, jobs: &[Job], order: &[usize], teams: usize, unhelped: f64) -> f64 {
        let unhelped = unhelped.max(1.0);
        self.back.clear();
        self.back.extend(jobs.iter().map(|j| j.onset + j.work * unhelped));
        self.helped.clear();
        self.helped.resize(jobs.len(), false);
        self.free.clear();
        self.free.resize(teams.min(jobs.len()), 0.0);
        let mut used = 0.0;
        // `now` never goes back, so a loss helped or back by now is never picked again: the
        // search starts after the first run of those.
        let mut first = 0;
        loop {
            // The team free soonest (ties to the first).
            let mut next: Option<(usize, f64)> = None;
            for (k, &t) in self.free.iter().enumerate() {
                if t.is_finite() && next.is_none_or(|(_, best)| t < best) {
                    next = Some((k, t));
                }
            }
            let Some((k, now)) = next else { break };
            while let Some(&i) = order.get(first)
                && (self.helped.get(i).copied().unwrap_or(true) || self.back.get(i).is_none_or(|b| *b <= now))
            {
                first += 1;
            }
            // The heaviest loss that has fallen, is not back and has no team.
            let pick = order.iter().skip(first).copied().find(|&i| {
                !self.helped.get(i).copied().unwrap_or(true)
                    && jobs.get(i).is_some_and(|j| j.onset <= now)
                    && self.back.get(i).is_some_and(|b| *b > now)
            });
            let wake = match pick {
                Some(i) => {
                    let Some(job) = jobs.get(i) else { break };
                    let done_alone = (now - job.onset).max(0.0) / unhelped;
                    let left = (job.work - done_alone).max(0.0);
                    if let Some(h) = self.helped.get_mut(i) {
                        *h = true;
                    }
                    if let Some(b) = self.back.get_mut(i) {
                        *b = now + left;
                    }
                    used += left;
                    now + left
                }
                // Nothing to do now: wait for the next loss to fall, if any.
                None => jobs
                    .iter()
                    .zip(&self.helped)
                    .filter(|(j, h)| !**h && j.onset > now)
                    .map(|(j, _)| j.onset)
                    .reduce(f64::min)
                    .unwrap_or(f64::INFINITY),
            };
            if let Some(slot) = self.free.get_mut(k) {
                *slot = wake;
            }
        }
        used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(onset: f64, work: f64) -> Job {
        Job { onset, work }
    }

    #[test]
    fn a_team_moves_to_the_next_loss_when_its_first_is_back() {
        // One team; the heavier loss needs 2 days, the lighter 4; alone things take twice as long.
        let jobs = [job(0.0, 2.0), job(0.0, 4.0)];
        let mut s = Schedule::default();
        let used = s.run(&jobs, &[0, 1], 1, 2.0);
        // The team is on the first for 2 days; the second has done 1 of its 4 days alone by
        // then, and the team finishes the other 3: back on day 5, not day 8 as if it never came.
        assert_eq!(s.back, vec![2.0, 5.0]);
        assert_eq!(used, 5.0);
        // Without teams both take twice as long.
        let none = s.run(&jobs, &[0, 1], 0, 2.0);
        assert_eq!((s.back.clone(), none), (vec![4.0, 8.0], 0.0));
        // As many teams as losses: each is helped from the start.
        s.run(&jobs, &[0, 1], 5, 2.0);
        assert_eq!(s.back, vec![2.0, 4.0]);
    }

    #[test]
    fn teams_go_to_the_heaviest_first_and_wait_for_losses_that_fall_later() {
        // The second in priority falls on day 3: the team helps the first, then waits for it.
        let jobs = [job(0.0, 1.0), job(3.0, 2.0), job(0.0, 10.0)];
        let mut s = Schedule::default();
        let used = s.run(&jobs, &[0, 1, 2], 1, 1.5);
        assert_eq!(s.back.first(), Some(&1.0));
        // Free on day 1: job 1 has not fallen yet, so it goes to job 2 (the only one there) and
        // stays until it is back: 1 day alone is 1/1.5 done, the rest with the team.
        let two = 1.0 + (10.0 - 1.0 / 1.5);
        assert!((s.back[2] - two).abs() < 1e-9, "{:?}", s.back);
        // Job 1 had no team when it fell and is back on its own before the team is free.
        assert!((s.back[1] - 6.0).abs() < 1e-9, "{:?}", s.back);
        assert!((used - (1.0 + 10.0 - 1.0 / 1.5)).abs() < 1e-9);
        // Nothing has fallen at the start: the team waits for day 2 and is there from then.
        let used = s.run(&[job(2.0, 1.0)], &[0], 1, 3.0);
        assert_eq!((s.back.clone(), used), (vec![3.0], 1.0));
    }
}
