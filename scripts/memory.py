#!/usr/bin/env python3
"""Memory with 8 panes each streaming a 100,000-token demo answer: start the workbench in a pty,
send one prompt, wait SECONDS, print the peak and current RSS. Usage: memory.py BINARY SECONDS.
Run it with XDG_CONFIG_HOME/XDG_DATA_HOME pointed at a temp dir."""
import os, pty, time, sys, select, signal, fcntl, termios, struct
m='demo:swift,ttft=0,tps=4000,tokens=100000'
args=[sys.argv[1]]+sum([['-m',m] for _ in range(8)],[])
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM']='xterm-256color'
    os.execv(sys.argv[1], args)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 45, 160, 0, 0))
def drain(secs):
    end=time.time()+secs; buf=b''
    while time.time()<end:
        r,_,_=select.select([fd],[],[],0.05)
        if r:
            try: buf+=os.read(fd,1<<20)
            except OSError: break
    return buf
drain(1.0)
os.write(fd,b'Write a long essay\r')
b=drain(float(sys.argv[2]))
st=open(f'/proc/{pid}/status').read()
print([l for l in st.splitlines() if l.startswith(('VmHWM','VmRSS'))])
os.kill(pid, signal.SIGKILL); os.waitpid(pid,0)
