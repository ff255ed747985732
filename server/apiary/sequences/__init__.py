"""API-sequence suggestions (Deep API Learning Revisited): mining (description, API
sequence) pairs from code, recommending sequences for a query, and rendering a chosen one."""
