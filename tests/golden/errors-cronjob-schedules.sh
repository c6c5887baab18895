# Classes 7 and 8: kubectl create cronjob's required flags, and schedules refused in
# robfig/cron's words, as the API server passes them on.
kubectl create cronjob
kubectl create cronjob tick --schedule='* * * * *'
kubectl create cronjob --image=busybox --schedule='* * * * *'
kubectl create cronjob bad --image=busybox --schedule=bogus
kubectl create cronjob bad --image=busybox --schedule='0 0 31 2 L'
kubectl create cronjob bad --image=busybox --schedule='*/0 * * * *'
kubectl create cronjob bad --image=busybox --schedule='0 25 * * *'
kubectl create cronjob bad --image=busybox --schedule='0 0 0 * *'
kubectl create cronjob bad --image=busybox --schedule='0 0 * * 1-2-3'
kubectl create cronjob bad --image=busybox --schedule='0 0 * * 5-1'
kubectl create cronjob bad --image=busybox --schedule='0 0 * foo *'
kubectl create cronjob bad --image=busybox --schedule='TZ=Europe/Berlin 0 9 * * *'
kubectl create cronjob tick --image=busybox --schedule='*/1 * * * MON-fri' -- date
kubectl get cronjobs
