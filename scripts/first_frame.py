#!/usr/bin/env python3
"""Start-up to first frame: start juxta in a pty (160x45) N times and time until the first
screen (the demo panes' "Waiting for a prompt.") arrives. Usage: first_frame.py BINARY N."""
import os, pty, time, sys, select, signal
times=[]
for i in range(int(sys.argv[2])):
    t0=time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['TERM']='xterm-256color'
        os.execv(sys.argv[1], [sys.argv[1]])
    import fcntl, termios, struct
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 45, 160, 0, 0))
    buf=b''
    while True:
        r,_,_=select.select([fd],[],[],5)
        if not r: break
        try: buf+=os.read(fd, 65536)
        except OSError: break
        if b'Waiting for a prompt' in buf:
            times.append((time.perf_counter()-t0)*1000); break
    os.kill(pid, signal.SIGKILL); os.waitpid(pid,0); os.close(fd)
times.sort()
print("runs", len(times), "min %.1f ms, median %.1f ms, max %.1f ms" % (times[0], times[len(times)//2], times[-1]))
