import { useTranslation } from 'react-i18next';

export default function Consents() {
  const { t } = useTranslation('consents');
  return <h1>{t('title')}</h1>;
}
