"""rca: a root-cause defect tracker for proactive quality.

The library (this package) holds models, database access, import, clustering,
tracking and analytics. It never prints and never imports click: the ``cli``
package is the only user interface, and ``reports`` renders documents.
"""

__version__ = "0.1.0"
