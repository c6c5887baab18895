# kubeplay: --cluster kind-multi --seed 18
# NetworkPolicy, as kind's kindnet enforces it: once a policy selects a pod for a direction,
# only what some policy allows gets through and the rest is dropped, so clients time out.
kubectl create namespace dev
kubectl -n dev create deployment demo --image=demo:1.0.0 --replicas=3
kubectl -n dev expose deployment demo --port=80
kubectl -n dev run client --image=nginx
kubectl -n dev run friend --image=nginx --labels=run=friend,access=true
kubectl -n dev run probe --image=busybox -- sleep 3600
kubectl -n dev rollout status deployment/demo
kubectl -n dev wait --for=condition=Ready pod/client pod/friend pod/probe
kubectl -n dev exec client -- sh -c 'for i in 1 2 3; do curl -sS -m 2 http://demo; done'
kubectl -n dev exec probe -- wget -qO- -T 2 http://demo
# Deny all ingress in dev: every pod there is isolated for ingress, nothing is allowed in.
cat <<'YAML' > deny.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
YAML
kubectl -n dev create -f deny.yaml
kubectl -n dev get networkpolicy default-deny-ingress -o yaml
kubectl -n dev exec client -- curl -sS -m 2 http://demo
kubectl -n dev exec client -- curl -sS -m 2 http://demo.dev.svc.cluster.local/hostname
kubectl -n dev exec probe -- wget -qO- -T 2 http://demo
# Policies add up: this one lets pods labelled access=true reach the demo pods on port 80.
cat <<'YAML' > allow.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-access
spec:
  podSelector:
    matchLabels:
      app: demo
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
    ports:
    - port: 80
YAML
kubectl -n dev apply -f allow.yaml
kubectl -n dev exec friend -- sh -c 'for i in 1 2 3; do curl -sS -m 2 http://demo; done'
kubectl -n dev exec client -- curl -sS -m 2 http://demo
kubectl -n dev label pod client access=true
kubectl -n dev exec client -- curl -sS -m 2 http://demo
kubectl -n dev label pod client access-
kubectl -n dev exec client -- curl -sS -m 2 http://demo
kubectl get netpol -A
kubectl -n dev get networkpolicies -o wide
kubectl -n dev describe netpol allow-access
# Egress: a policy that selects friend for Egress and allows nothing cuts it off, name
# lookups included (they go to the kube-dns pods over UDP 53).
cat <<'YAML' > egress.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: friend-egress
spec:
  podSelector:
    matchLabels:
      run: friend
  policyTypes:
  - Egress
YAML
kubectl -n dev apply -f egress.yaml
kubectl -n dev exec friend -- curl -sS -m 2 http://demo
kubectl -n dev exec friend -- curl -sS http://demo
# Allowing DNS brings name lookups back; the demo pods are still not allowed.
cat <<'YAML' > egress.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: friend-egress
spec:
  podSelector:
    matchLabels:
      run: friend
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - protocol: UDP
      port: 53
YAML
kubectl -n dev apply -f egress.yaml
kubectl -n dev exec friend -- curl -sS -m 2 http://demo
kubectl -n dev describe networkpolicy friend-egress
kubectl -n dev delete netpol friend-egress
kubectl -n dev exec friend -- curl -sS -m 2 http://demo
# From other namespaces: a namespaceSelector admits the pods of the labelled namespace.
kubectl create namespace ops
kubectl label namespace ops team=ops
kubectl create namespace other
kubectl -n ops run tool --image=nginx
kubectl -n other run tool --image=nginx
kubectl -n ops wait --for=condition=Ready pod/tool
kubectl -n other wait --for=condition=Ready pod/tool
cat <<'YAML' > ops.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-ops
spec:
  podSelector:
    matchLabels:
      app: demo
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: ops
YAML
kubectl -n dev apply -f ops.yaml
kubectl -n ops exec tool -- curl -sS -m 2 http://demo.dev
kubectl -n other exec tool -- curl -sS -m 2 http://demo.dev
kubectl -n dev get netpol
kubectl -n dev delete networkpolicy default-deny-ingress allow-access allow-ops
kubectl -n other exec tool -- curl -sS -m 2 http://demo.dev
# Invalid policies are refused with the API server's reasons, and nothing is stored.
cat <<'YAML' > bad.yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector:
    matchExpressions:
    - key: app
      operator: In
  policyTypes: [Ingress, Sideways]
  ingress:
  - from:
    - ipBlock:
        cidr: 10.244.0.0/16
        except: [10.245.0.0/24]
      podSelector: {}
    - {}
    ports:
    - port: http-alternative
      endPort: 8080
    - port: 0
      protocol: ICMP
  egress:
  - to:
    - ipBlock:
        cidr: 10.244.0.0/33
    ports:
    - port: 9000
      endPort: 8000
YAML
kubectl -n dev apply -f bad.yaml
kubectl -n dev get netpol bad
kubectl explain netpol.spec.policyTypes
kubectl -n dev apply -f allow.yaml
kubectl -n dev patch netpol allow-access --type=merge -p '{"spec":{"ingress":[{"ports":[{"port":0},{"port":"http","endPort":90}]}]}}'
kubectl -n dev get netpol allow-access -o jsonpath='{.metadata.generation} {.spec.ingress[0].ports[0].port}{"\n"}'
