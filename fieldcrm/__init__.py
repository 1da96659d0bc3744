"""fieldcrm: self-hosted field-sales CRM with geocoding, territories and route planning."""

__version__ = "0.1.0"
