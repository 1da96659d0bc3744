"""Travel costs: French mileage scale, trip costs, reports and exports."""
