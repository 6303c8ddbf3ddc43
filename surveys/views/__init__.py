"""Public survey pages: surveys' and services' results (results.py), rectification cases
(cases.py), the rating form (rating.py), each service's QR code and poster (services.py)."""
