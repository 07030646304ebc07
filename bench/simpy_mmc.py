"""M/M/c in SimPy 2 (Debian's python3-simpy): the peer scalelab's simulator is timed against.

usage: /usr/bin/python3 bench/simpy_mmc.py CUSTOMERS [SERVERS] [RHO] [rr]
Without rr: one queue and SERVERS servers (M/M/c). With rr: SERVERS single-server queues, the
customers dealt to them in turn (round robin), as `scalelab simulate --servers N --lb rr`.
Prints one line: customers, CPU seconds, customers per CPU second, mean wait.
"""
import random
import sys
import time

from SimPy.Simulation import (Monitor, Process, Resource, activate, hold, initialize, now,
                              release, request, simulate)


class Source(Process):
    def generate(self, count, rate, mu, queues, waits):
        for i in range(count):
            c = Customer()
            activate(c, c.visit(mu, queues[i % len(queues)], waits))
            yield hold, self, random.expovariate(rate)


class Customer(Process):
    def visit(self, mu, servers, waits):
        arrive = now()
        yield request, self, servers
        waits.observe(now() - arrive)
        yield hold, self, random.expovariate(mu)
        yield release, self, servers


def main():
    count = int(sys.argv[1])
    c = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rho = float(sys.argv[3]) if len(sys.argv) > 3 else 0.9
    rr = len(sys.argv) > 4 and sys.argv[4] == "rr"
    mu = 1.0
    rate = rho * c * mu
    random.seed(1)
    initialize()
    if rr:
        queues = [Resource(capacity=1, monitored=False) for _ in range(c)]
    else:
        queues = [Resource(capacity=c, monitored=False)]
    waits = Monitor()
    src = Source()
    activate(src, src.generate(count, rate, mu, queues, waits))
    t0 = time.process_time()
    simulate(until=1e18)
    cpu = time.process_time() - t0
    print("%d %.3f %.0f %.5f" % (count, cpu, count / cpu, waits.mean()))


main()
