"""Scoring: the heuristic default and language-model providers behind one interface."""
