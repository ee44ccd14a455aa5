# Diagnostic (docs/finetuning.md, 'Short runs on a CPU'): how fast our reference EPG-T network (PyTorch) learns the
# near-identity of low noise: x-prediction at one fixed sigma on Fashion-MNIST; prints the MSE every 50 steps.
# Compare with: epg train --task diffusion --init scratch --p-mean -3.689 --p-std 0.001 --loss-weight edm --ema 0 --clip 0 --label-dropout 0 ...
# Usage: /usr/bin/python3 scripts/diagnostics/low_noise_identity.py [STEPS]
import sys, gzip, math, numpy as np, torch
sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..", "reference"))
import epg_torch as R
torch.manual_seed(0); torch.set_num_threads(2)
cfg=dict(dim=128,size=32,patch=4,channels=1,heads=4,depth=4,decoder_dim=128,decoder_heads=4,decoder_depth=4,classes=10)
m=R.Epg(cfg)
for n,p in m.named_parameters():
    if n.startswith('out.') or 'adaLN' in n: torch.nn.init.zeros_(p)
with gzip.open('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz') as f:
    X=np.frombuffer(f.read(),np.uint8,offset=16).reshape(-1,28,28)
X=torch.tensor(np.pad(X,((0,0),(2,2),(2,2))).astype(np.float32)/255*2-1)[:,None]
opt=torch.optim.AdamW(m.parameters(),lr=1e-3,betas=(0.9,0.999),weight_decay=0.01)
sig=0.025; cin=1/math.sqrt(sig**2+0.25); c=250*math.log(sig)
steps=int(sys.argv[1]) if len(sys.argv)>1 else 300
for k in range(steps):
    for g in opt.param_groups: g['lr']=1e-3*min(1,(k+1)/30)
    idx=torch.randint(0,len(X),(32,)); x=X[idx]
    xt=x+torch.randn_like(x)*sig
    d=m(xt*cin, torch.full((32,),c), torch.full((32,),10,dtype=torch.long))
    loss=((d-x)**2).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    if k%50==49: print(k+1, loss.item(), flush=True)
