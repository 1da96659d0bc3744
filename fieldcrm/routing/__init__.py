"""Road travel times and the OR-Tools day/trip planner (pure core)."""
