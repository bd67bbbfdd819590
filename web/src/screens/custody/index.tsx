import { useTranslation } from 'react-i18next';

export default function Custody() {
  const { t } = useTranslation('custody');
  return <h1>{t('title')}</h1>;
}
