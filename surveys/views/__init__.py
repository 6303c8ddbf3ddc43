"""Public survey pages: results and cases (results.py), the rating form (rating.py), each
service's QR code and poster (services.py)."""
