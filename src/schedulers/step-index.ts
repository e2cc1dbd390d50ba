// Where a run starts in its schedule. The reference locates the first step by
// looking up the first timestep it is given among the schedule's timesteps and
// takes the second match when there are several, so a schedule whose first
// timestep is repeated starts at index 1 (and then has one step fewer to run).

/** The index the first `step()` uses for a run that starts at `timesteps[0]`. */
export function initialStepIndex(timesteps: readonly number[]): number {
  if (timesteps.length === 0) return 0;
  const first = timesteps[0];
  let matches = 0;
  for (let i = 0; i < timesteps.length; i++) {
    if (timesteps[i] !== first) continue;
    if (++matches === 2) return i;
  }
  return 0;
}
