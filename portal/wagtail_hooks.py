"""Editors' admin: viewsets for the domain, the import screen."""
