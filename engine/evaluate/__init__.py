"""Overall evaluation of one enterprise: indicators from raw data, levels, comprehensive indices."""
