"""A BigFix REST API server emulator, used as a test fixture by pae.

Modules:
  clock      simulated time (optionally shared with the agent via a file)
  timefmt    time formats (BigFix RFC-1123 GMT, ISO-8601, durations)
  schedule   action time constraints: start/end, time range, weekdays, zones
  model      the fleet: computers, fixlets, scripted outcomes
  actions    actions and the simulated clients that carry them out
  relevance  the session-relevance subset the pae client sends
  replies    XML/JSON renderings of the model (BESAPI.xsd / BES.xsd shapes)
  scenario   loading and generating fleets
  faults     injected transport faults
  admin      the /admin/ JSON API
  server     HTTPS, Basic auth, routing, request log
"""

__version__ = "1.0"
