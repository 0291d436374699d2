"""Rendering of recorded traces and plans into words, HTML, PDF and pictures."""
